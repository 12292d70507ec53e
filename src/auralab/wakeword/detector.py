"""A saved detector: architecture, weights, the features it reads and the classes it scores.

The payload is a plain dict (loadable with ``weights_only=True``); a teacher, an exported model and
the ``detect`` command all rebuild the model and its feature spec from it. An ensemble's payload
holds its members' payloads under ``members`` and rebuilds as a ``DetectorEnsemble``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from auralab.core.checkpoint import load_checkpoint
from auralab.core.errors import DataLoadError, TeacherError
from auralab.wakeword.ensemble import DetectorEnsemble
from auralab.wakeword.features import FeatureSpec
from auralab.wakeword.models import CLASSES, DetectorConfig, build_detector
from auralab.wakeword.params import DetectorParams

# What must agree between a teacher and its student for the teacher's scores to mean anything.
SPEC_KEYS = ("sample_rate", "n_mels", "n_fft", "hop_length", "fmin", "fmax", "window_frames")


def detector_config(kind: str, params: DetectorParams, spec: FeatureSpec) -> DetectorConfig:
    return DetectorConfig(
        kind=kind,  # type: ignore[arg-type]
        n_mels=spec.n_mels,
        channels=tuple(params.channels),
        kernel_size=params.kernel_size,
        dropout=params.dropout,
        architecture=params.architecture,
        window_mean_norm=params.window_mean_norm,
        front_end=params.front_end,
    )


def detector_payload(
    model: nn.Module, spec: FeatureSpec, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``{"config", "state_dict", "feature_spec", "classes", ...extra}`` of a trained model."""
    config: DetectorConfig = model.config  # type: ignore[assignment]
    return {
        "config": config.to_dict(),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "feature_spec": spec.as_dict(),
        "classes": list(CLASSES),
        **(extra or {}),
    }


def ensemble_payload(
    members: list[dict[str, Any]], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``{"members", "feature_spec", "classes", ...extra}``: detectors that share their features
    and classes, scored as the mean of their probabilities."""
    first = members[0]
    for member in members[1:]:
        if member["feature_spec"] != first["feature_spec"] or member["classes"] != first["classes"]:
            raise ValueError("ensemble members must share their feature spec and classes")
    return {
        "members": members,
        "feature_spec": first["feature_spec"],
        "classes": first["classes"],
        **(extra or {}),
    }


def is_ensemble(payload: dict[str, Any]) -> bool:
    return "members" in payload


def same_weights(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two single-detector payloads hold the same architecture and weights."""
    if is_ensemble(a) or is_ensemble(b) or a["config"] != b["config"]:
        return False
    ours, theirs = a["state_dict"], b["state_dict"]
    return ours.keys() == theirs.keys() and all(torch.equal(ours[k], theirs[k]) for k in ours)


def detector_from_payload(payload: dict[str, Any]) -> nn.Module:
    """The model of a payload (a ``DetectorEnsemble`` for an ensemble's), in eval mode on CPU."""
    if is_ensemble(payload):
        return DetectorEnsemble([detector_from_payload(m) for m in payload["members"]]).eval()
    model = build_detector(DetectorConfig.from_dict(payload["config"]))
    model.load_state_dict(payload["state_dict"])
    return model.eval()


def check_teacher(payload: dict[str, Any], spec: FeatureSpec, name: str) -> None:
    """Raise TeacherError naming every feature setting or class that differs from the student's."""
    problems = []
    theirs = payload.get("feature_spec") or {}
    ours = spec.as_dict()
    for key in SPEC_KEYS:
        if theirs.get(key) != ours[key]:
            problems.append(f"feature {key}: teacher {theirs.get(key)!r}, student {ours[key]!r}")
    classes = list(payload.get("classes") or [])
    if classes != list(CLASSES):
        problems.append(f"classes: teacher {classes}, student {list(CLASSES)}")
    if not is_ensemble(payload) and ("config" not in payload or "state_dict" not in payload):
        problems.append("not a detector checkpoint (no config/state_dict, nor members)")
    if problems:
        raise TeacherError(
            f"teacher {name} does not match the model it would teach:\n  " + "\n  ".join(problems)
        )


def load_teacher(source: str, spec: FeatureSpec) -> nn.Module:
    """A teacher from a checkpoint path, checked against ``spec``; TeacherError if unusable."""
    path = Path(source)
    if not path.exists():
        raise TeacherError(
            f"teacher {source}: no checkpoint at {path}; train one first or fix "
            "wakeword.train.sentry.distillation.teachers"
        )
    try:
        payload = load_checkpoint(path)
    except DataLoadError as error:
        raise TeacherError(f"teacher {source}: {error}") from None
    check_teacher(payload, spec, source)
    return detector_from_payload(payload)


@torch.no_grad()
def score_windows(model: nn.Module, windows: np.ndarray, batch_size: int = 512) -> np.ndarray:
    """Wake-word probabilities of [N, frames, n_mels] windows -> [N] float32."""
    model.eval()
    device = next(model.parameters()).device
    out = [
        torch.sigmoid(model(torch.from_numpy(windows[i : i + batch_size]).to(device))).cpu()
        for i in range(0, len(windows), batch_size)
    ]
    return torch.cat(out).numpy().astype(np.float32) if out else np.zeros(0, np.float32)
