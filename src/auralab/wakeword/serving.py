"""Registered detectors: an MLflow pyfunc over the ONNX model (onnxruntime), so
``mlflow models serve`` serves a judge and ``detect`` can load either from the registry.

``predict`` takes log-mel windows [N, frames, n_mels] float32 and returns [N] probabilities; the
feature spec, classes, threshold and event rule travel in the model's metadata.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mlflow
import numpy as np


class DetectorModel(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """Log-mel windows -> wake-word probabilities, with onnxruntime on one thread."""

    def load_context(self, context: Any) -> None:
        from auralab.wakeword.onnx_export import onnx_session

        self.session: Any = onnx_session(Path(context.artifacts["onnx"]).read_bytes())

    def predict(self, context: Any, model_input: np.ndarray, params: Any = None) -> np.ndarray:
        windows = np.asarray(model_input, dtype=np.float32)
        if windows.ndim == 2:
            windows = windows[None]
        (probability,) = self.session.run(["probability"], {"features": windows})
        return np.asarray(probability, dtype=np.float32)


def save_local(
    onnx_path: Path, folder: Path, example: np.ndarray, metadata: dict[str, Any]
) -> None:
    """A pyfunc model folder (for a local judge service without the registry)."""
    mlflow.pyfunc.save_model(
        path=str(folder),
        python_model=DetectorModel(),
        artifacts={"onnx": str(onnx_path)},
        signature=mlflow.models.infer_signature(example, np.zeros(len(example), np.float32)),
        metadata=metadata,
    )


def log_and_register(
    onnx_path: Path, name: str, example: np.ndarray, metadata: dict[str, Any]
) -> dict[str, Any]:
    """Log the pyfunc in the active run with a signature, an input example and metadata; register
    it as ``name``."""
    info = mlflow.pyfunc.log_model(
        name=name.replace("auralab-", "").replace("-", "_"),
        python_model=DetectorModel(),
        artifacts={"onnx": str(onnx_path)},
        signature=mlflow.models.infer_signature(example, np.zeros(len(example), np.float32)),
        input_example=example,
        metadata=metadata,
        registered_model_name=name,
    )
    return {
        "name": name,
        "version": int(info.registered_model_version or 0),
        "model_uri": info.model_uri,
    }
