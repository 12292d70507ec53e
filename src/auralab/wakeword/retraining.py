"""How a detector is trained again with the mined hard negatives (afresh on its whole schedule,
or fine-tuned from the first model), and which sentry the run then ships."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import torch

from auralab.wakeword.detector import detector_from_payload, ensemble_payload, same_weights
from auralab.wakeword.params import DetectorParams, FitParams, MiningParams


@dataclass(frozen=True)
class RetrainPlan:
    """The fit of the second training, the weights it starts from (None: fresh) and where in the
    SNR schedule its first epoch is."""

    fit: FitParams
    initial_state: dict[str, torch.Tensor] | None
    first_epoch: int


def retrain_plan(
    unmined: dict[str, Any], fit: FitParams, mining: MiningParams, from_scratch: bool
) -> RetrainPlan:
    """The plan for training ``unmined`` (a detector payload) again, in its own architecture (a
    sweep may have changed it from ``fit.model``)."""
    # Every architecture field the payload records; one an older payload lacks takes its default.
    model = DetectorParams(
        **{k: v for k, v in unmined["config"].items() if k in DetectorParams.model_fields}
    )
    if from_scratch:
        # A fresh model on the whole schedule with the hard negatives among the data from the
        # first epoch (measured: 16% FRR at 0.5 FA/h against 25% without them, where a
        # fine-tune of the first sentry made it worse in two runs of four).
        return RetrainPlan(fit.model_copy(update={"model": model}), None, 0)
    # Fine-tuning: a lower learning rate, and the SNR schedule goes on where training ended
    # (restarting it would retrain on easy mixtures and undo the hard ones).
    tuned = fit.model_copy(
        update={
            "epochs": mining.retrain_epochs,
            "model": model,
            "lr": fit.lr * mining.retrain_lr_ratio,
        }
    )
    return RetrainPlan(tuned, detector_from_payload(unmined).state_dict(), fit.epochs)


def shipped_sentry(
    unmined: dict[str, Any], mined: dict[str, Any], choice: Literal["ensemble", "mined"]
) -> dict[str, Any]:
    """The sentry a run exports (a detector payload): the mined sentry, or with ``ensemble`` the
    mean of the sentries before and after mining. Trained from scratch (``sentry_retrain``) on
    different data, they false-accept on different sentences and agree on the wake phrase:
    measured on run Q's data (2026-11-24) they missed 22.8 and 16.2% of held-out wake words at
    0.5 FA/h alone, 8.4% as the ensemble. When mining did not retrain (``mined`` is
    ``unmined``), the one sentry."""
    if choice == "mined" or same_weights(unmined, mined):
        return mined
    return ensemble_payload(
        [unmined, mined], {"trained": {"members": ["sentry_unmined", "sentry_mined"]}}
    )
