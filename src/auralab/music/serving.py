"""The registered MLflow model: a pyfunc whose ``predict`` takes a prompt and sampling settings
and returns MIDI (base64), so ``mlflow models serve`` can serve it.

The weights travel as an artifact and are loaded with ``weights_only=True``.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd

INPUT_EXAMPLE = pd.DataFrame(
    [
        {
            "prompt_midi_base64": "",
            "n_pieces": 1,
            "max_new_tokens": 128,
            "temperature": 1.0,
            "top_k": 0,
            "top_p": 0.95,
            "seed": 0,
            "constrained": True,
        }
    ]
)


class MusicGenerator(mlflow.pyfunc.PythonModel):  # type: ignore[name-defined]
    """Each input row: an optional base64 MIDI prompt and sampling settings -> rows of MIDI."""

    def load_context(self, context: Any) -> None:
        from auralab.core.checkpoint import load_checkpoint
        from auralab.music.params import GenerationParams, PreprocessParams
        from auralab.music.tokenizer import Tokenizer
        from auralab.music.training import model_from_payload
        from auralab.music.vocabulary import Vocabulary

        payload = load_checkpoint(Path(context.artifacts["model"]))
        self.model = model_from_payload(payload)
        self.tokenizer = Tokenizer(Vocabulary.from_dict(payload["vocabulary"]))
        self.preprocess = PreprocessParams(**payload["preprocess"])
        self.defaults = GenerationParams()

    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> pd.DataFrame:
        from auralab.music.generate import generate_midi

        rows = []
        for request_id, row in enumerate(model_input.to_dict(orient="records")):
            prompt = base64.b64decode(row.get("prompt_midi_base64") or "") or None
            settings = self.defaults.model_copy(
                update={
                    "n_pieces": int(row.get("n_pieces", 1)),
                    "max_new_tokens": int(row.get("max_new_tokens", 256)),
                    "temperature": float(row.get("temperature", 1.0)),
                    "top_k": int(row["top_k"]) if row.get("top_k") else None,
                    "top_p": float(row["top_p"]) if row.get("top_p") else None,
                    "seed": int(row.get("seed", 0)),
                }
            )
            pieces = generate_midi(
                self.model,
                self.tokenizer,
                settings,
                prompt,
                bool(row.get("constrained", True)),
                self.preprocess,
            )
            for index, piece in enumerate(pieces):
                rows.append(
                    {
                        "request": request_id,
                        "piece": index,
                        "valid": piece.valid,
                        "n_tokens": piece.n_tokens,
                        "midi_base64": base64.b64encode(piece.midi).decode(),
                    }
                )
        return pd.DataFrame(rows)


def log_and_register(
    model_path: Path, name: str, code_path: Path, sample_output: pd.DataFrame
) -> dict[str, Any]:
    """Log the pyfunc in the active run with a signature and input example; register ``name``."""
    signature = mlflow.models.infer_signature(INPUT_EXAMPLE, sample_output)
    info = mlflow.pyfunc.log_model(
        name="music_generator",
        python_model=MusicGenerator(),
        artifacts={"model": str(model_path)},
        code_paths=[str(code_path)],
        signature=signature,
        input_example=INPUT_EXAMPLE,
        registered_model_name=name,
    )
    return {
        "name": name,
        "version": int(info.registered_model_version or 0),
        "model_uri": info.model_uri,
        "signature_inputs": list(INPUT_EXAMPLE.columns),
    }


def sample_output() -> pd.DataFrame:
    """The shape ``predict`` returns, for the signature."""
    return pd.DataFrame(
        [{"request": 0, "piece": 0, "valid": True, "n_tokens": np.int64(1), "midi_base64": ""}]
    )
