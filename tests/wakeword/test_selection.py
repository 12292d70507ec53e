"""Checkpoint selection: validation FRR at thresholds set on long validation negatives, and the
selection set read from the validation long-form files only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from auralab.wakeword.audio import encode
from auralab.wakeword.features import FeatureSet, FeatureSpec
from auralab.wakeword.scoring import EventRule
from auralab.wakeword.selection import SelectionSet, detection_metrics, selection_score
from auralab.wakeword.train_inputs import selection_set


class LastFrameLevel(nn.Module):
    """Logit = 10 * (mean of the window's last frame) - 5."""

    def __init__(self) -> None:
        super().__init__()
        self.anchor = nn.Parameter(torch.zeros(1))  # score_windows reads the model's device

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 10 * x[:, -1, :].mean(dim=1) - 5 + 0 * self.anchor


def test_validation_frr_uses_thresholds_from_the_long_negatives() -> None:
    negative = np.zeros((40, 2), np.float32)
    negative[20:24] = 1.0  # one loud burst: a single event (refractory 5 hops)
    positives = np.zeros((3, 8, 2), np.float32)
    positives[0, 6:] = 2.0  # louder than the burst: caught at any rate
    positives[1, 6:] = 1.0  # as loud as the burst: caught only when one event is allowed
    data = SelectionSet(
        negatives=[negative],
        hours=1.0,
        positives=positives,
        rule=EventRule(hop_frames=2, smoothing_hops=1),
        refractory_hops=5,
        window_frames=4,
        fa_per_hour=(0.5, 2.0),
    )
    metrics = detection_metrics(LastFrameLevel(), data)
    assert metrics["val_frr_at_0.5_fa_per_hour"] == pytest.approx(2 / 3)  # no event allowed
    assert metrics["val_frr_at_2_fa_per_hour"] == pytest.approx(1 / 3)
    assert metrics["val_frr"] == pytest.approx(0.5)
    # The loss only breaks ties: a lower FRR always wins.
    assert selection_score({"val_frr": 0.1}, 5.0) < selection_score({"val_frr": 0.11}, 0.0)


def test_the_selection_set_reads_validation_audio_and_positives_only() -> None:
    spec = FeatureSpec(16000, 8, 400, 160, 60.0, 7600.0, 20)
    rng = np.random.default_rng(0)
    longform = {
        "validation/validation-000.flac": encode(0.1 * rng.standard_normal(32000), 16000, "FLAC"),
        "evaluation/evaluation-000.flac": encode(0.1 * rng.standard_normal(64000), 16000, "FLAC"),
    }
    table = pd.DataFrame({"split": ["validation", "validation", "test"], "label": [1, 0, 1]})
    features = FeatureSet(rng.standard_normal((3, 30, 8)).astype(np.float16), table, {})
    rule = EventRule(hop_frames=8)
    found = selection_set(longform, features, spec.as_dict(), rule, [3.0])
    assert found is not None
    assert found.hours == pytest.approx(2 / 3600)
    assert len(found.negatives) == 1 and found.negatives[0].shape[1] == 8
    assert found.positives.shape == (1, 30, 8) and found.positives.dtype == np.float32
    assert found.refractory_hops == rule.refractory_hops(spec)
    only_evaluation = {k: v for k, v in longform.items() if k.startswith("evaluation/")}
    assert selection_set(only_evaluation, features, spec.as_dict(), rule, [3.0]) is None
