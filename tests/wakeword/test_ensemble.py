"""A detector ensemble scores the members' mean probability and exports like one detector."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auralab.wakeword.detector import score_windows
from auralab.wakeword.ensemble import DetectorEnsemble
from auralab.wakeword.models import DetectorConfig, build_detector
from auralab.wakeword.onnx_export import to_onnx


def _sentry(seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    return build_detector(DetectorConfig("sentry", 40, (16, 16))).eval()


def test_an_ensemble_scores_the_mean_of_its_members_probabilities():
    members = [_sentry(0), _sentry(1), _sentry(2)]
    windows = np.random.default_rng(0).normal(size=(6, 148, 40)).astype(np.float32)
    alone = np.stack([score_windows(m, windows) for m in members])
    assert np.ptp(alone, axis=0).max() > 1e-3  # the members disagree
    together = score_windows(DetectorEnsemble(members), windows)
    assert np.allclose(together, alone.mean(axis=0), atol=1e-5)
    _, difference = to_onnx(DetectorEnsemble(members), 148, 40)
    assert difference < 1e-4
    with pytest.raises(ValueError, match="at least one"):
        DetectorEnsemble([])
