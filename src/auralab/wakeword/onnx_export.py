"""Detectors to ONNX, checked against PyTorch in onnxruntime on the same windows."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from auralab.core.errors import AuralabError

PARITY_TOLERANCE = 1e-4  # max abs difference of logits
SCORER_BATCH = 1024  # windows per onnxruntime call (the export's batch dimension allows 4096)


class ExportError(AuralabError):
    """An export does not reproduce the PyTorch model."""


class Probability(nn.Module):
    """The detector with its sigmoid: [B, frames, n_mels] log-mel -> [B] wake-word probability."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.model(features))


def parity_windows(frames: int, n_mels: int, batch: int = 4, seed: int = 0) -> np.ndarray:
    """Log-mel-like windows (about -14..4, the range of real features) for parity checks."""
    rng = np.random.default_rng(seed)
    return (rng.normal(-6.0, 3.0, (batch, frames, n_mels))).astype(np.float32)


def to_onnx(model: nn.Module, frames: int, n_mels: int) -> tuple[bytes, float]:
    """ONNX bytes (dynamic batch; input ``features``, output ``probability``) and the max abs
    difference of onnxruntime's logits from PyTorch's on random windows."""
    import onnxruntime

    model = model.eval()
    example = torch.from_numpy(parity_windows(frames, n_mels, 2))
    dims = {"features": {0: torch.export.Dim("batch", max=4096)}}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        torch.onnx.export(
            Probability(model).eval(),
            (example,),
            str(path),
            dynamo=True,
            input_names=["features"],
            output_names=["probability"],
            dynamic_shapes=dims,
            verbose=False,
            external_data=False,
        )
        data = path.read_bytes()
    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    check = parity_windows(frames, n_mels, 8, seed=1)
    (probability,) = session.run(["probability"], {"features": check})
    with torch.no_grad():
        expected = model(torch.from_numpy(check)).numpy()
    ours = np.log(np.clip(probability, 1e-7, 1 - 1e-7) / np.clip(1 - probability, 1e-7, 1))
    mask = (expected > -15) & (
        expected < 15
    )  # logits of saturated probabilities are not comparable
    difference = float(np.abs(ours - expected)[mask].max()) if mask.any() else 0.0
    prob_difference = float(np.abs(probability - 1 / (1 + np.exp(-expected))).max())
    return data, max(difference, prob_difference)


def onnx_session(data: bytes, threads: int = 1) -> object:
    """An onnxruntime session on ``threads`` intra-op threads."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])


def onnx_scorer(
    model: nn.Module, frames: int, n_mels: int, threads: int
) -> Callable[[np.ndarray], np.ndarray]:
    """``model`` exported in memory and run by onnxruntime on ``threads`` threads, as a scorer of
    [N, frames, n_mels] windows -> [N] float32 probabilities. Raises ExportError when the export
    does not reproduce PyTorch within ``PARITY_TOLERANCE``."""
    data, difference = to_onnx(model, frames, n_mels)
    if difference > PARITY_TOLERANCE:
        raise ExportError(
            f"onnxruntime differs from PyTorch by {difference:.2e} (tolerance"
            f" {PARITY_TOLERANCE:g}): score with `scoring_backend: pytorch`"
        )
    session: Any = onnx_session(data, threads)

    def score(windows: np.ndarray) -> np.ndarray:
        out = [
            session.run(
                ["probability"],
                {"features": np.ascontiguousarray(windows[i : i + SCORER_BATCH], np.float32)},
            )[0]
            for i in range(0, len(windows), SCORER_BATCH)
        ]
        return np.concatenate(out).astype(np.float32) if out else np.zeros(0, np.float32)

    return score
