"""TorchScript and ONNX exports of the model, each checked against PyTorch on the same input."""

from __future__ import annotations

import io
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from auralab.core.errors import AuralabError
from auralab.music.model import MusicTransformer

PARITY_TOLERANCE = 1e-4  # max abs difference of logits


class ExportError(AuralabError):
    """An export does not reproduce the PyTorch model within tolerance."""


class LogitsModule(nn.Module):
    """``tokens (B, T) int64 -> logits (B, T, vocab)``: the exported interface (no KV cache)."""

    def __init__(self, model: MusicTransformer) -> None:
        super().__init__()
        self.model = model

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.model(tokens)


def parity_input(model: MusicTransformer, batch: int = 2, seed: int = 0) -> torch.Tensor:
    """Random token ids of shape (batch, block_size // 2 + 3): a length unlike the trace input."""
    generator = torch.Generator().manual_seed(seed)
    length = min(model.config.block_size, model.config.block_size // 2 + 3)
    return torch.randint(1, model.config.vocab_size, (batch, length), generator=generator)


def to_torchscript(model: MusicTransformer) -> tuple[bytes, float]:
    """Traced TorchScript bytes and the max abs difference from PyTorch on another shape."""
    module = LogitsModule(model.eval())
    trace_input = torch.randint(1, model.config.vocab_size, (1, min(16, model.config.block_size)))
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(module, trace_input)
        check = parity_input(model)
        difference = float((traced(check) - module(check)).abs().max())
    buffer = io.BytesIO()
    torch.jit.save(traced, buffer)
    return buffer.getvalue(), difference


def to_onnx(model: MusicTransformer) -> tuple[bytes, float]:
    """ONNX bytes (dynamic batch and time) and the max abs difference of onnxruntime's logits."""
    import onnxruntime

    module = LogitsModule(model.eval())
    example = torch.randint(1, model.config.vocab_size, (2, min(16, model.config.block_size)))
    dims = {
        "tokens": {
            0: torch.export.Dim("batch", max=1024),
            1: torch.export.Dim("time", max=model.config.block_size),
        }
    }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        torch.onnx.export(
            module,
            (example,),
            str(path),
            dynamo=True,
            input_names=["tokens"],
            output_names=["logits"],
            dynamic_shapes=dims,
            verbose=False,
            external_data=False,
        )
        data = path.read_bytes()
    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    check = parity_input(model)
    (logits,) = session.run(["logits"], {"tokens": check.numpy()})
    with torch.no_grad():
        expected = module(check).numpy()
    return data, float(np.abs(logits - expected).max())


def export_all(model: MusicTransformer) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Both exports and their parity report; ExportError when one is off by more than 1e-4."""
    torchscript, ts_diff = to_torchscript(model)
    onnx_bytes, onnx_diff = to_onnx(model)
    report = {
        "tolerance": PARITY_TOLERANCE,
        "torchscript_max_abs_diff": ts_diff,
        "onnx_max_abs_diff": onnx_diff,
        "onnxruntime_ran": True,
        "parity_input_shape": list(parity_input(model).shape),
    }
    for name, difference in (("TorchScript", ts_diff), ("ONNX", onnx_diff)):
        if difference > PARITY_TOLERANCE:
            raise ExportError(f"{name} export differs from PyTorch by {difference:.2e} (> 1e-4)")
    return {"model.torchscript.pt": torchscript, "model.onnx": onnx_bytes}, report
