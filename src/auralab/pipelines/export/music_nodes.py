"""Music export node: TorchScript and ONNX with parity checks, then the MLflow registry."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import auralab
from auralab.core.checkpoint import save_checkpoint
from auralab.music.export import export_all
from auralab.music.params import ExportParams
from auralab.music.serving import log_and_register, sample_output
from auralab.music.training import model_from_payload


def export_model(
    model: dict[str, Any], params: dict[str, Any], train_params: dict[str, Any]
) -> tuple[dict[str, bytes], dict[str, Any]]:
    """Export files (TorchScript, ONNX, vocabulary) and a report with parity and registry version."""
    export = ExportParams(**params)
    network = model_from_payload(model)
    files, report = export_all(network)
    files["vocabulary.json"] = json.dumps(model["vocabulary"], indent=1).encode()
    files["parameters.json"] = json.dumps(
        {"train": train_params, "preprocess": model["preprocess"], "model": model["config"]},
        indent=1,
    ).encode()
    registration: dict[str, Any] = {}
    if export.register_model:
        with tempfile.TemporaryDirectory() as folder:
            weights = Path(folder) / "model.pt"
            save_checkpoint(weights, model)
            package = Path(auralab.__file__).parent
            registration = log_and_register(
                weights, export.registered_model_name, package, sample_output()
            )
    report.update(
        {
            "registered_model": registration,
            "vocabulary_version": model["vocabulary"]["version"],
            "model_config": model["config"],
            "train_params": train_params,
            "preprocess_params": model["preprocess"],
        }
    )
    return files, report
