"""Exports match PyTorch; the pyfunc loads from the registry and generates MIDI."""

from __future__ import annotations

import base64

import mlflow
import pandas as pd
import pytest
import symusic
import torch

from auralab.core.checkpoint import save_checkpoint
from auralab.music.export import export_all
from auralab.music.model import ModelConfig, MusicTransformer
from auralab.music.params import PreprocessParams
from auralab.music.serving import INPUT_EXAMPLE, log_and_register, sample_output
from auralab.music.training import model_payload
from auralab.music.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def payload():
    torch.manual_seed(0)
    vocabulary = Vocabulary.from_params(PreprocessParams())
    config = ModelConfig(vocab_size=vocabulary.size, block_size=64, n_layer=2, n_head=2, n_embd=32)
    model = MusicTransformer(config).eval()
    return model, model_payload(model, vocabulary.to_dict(), PreprocessParams().model_dump())


def test_torchscript_and_onnx_match_pytorch(payload):
    model, _ = payload
    files, report = export_all(model)
    assert report["torchscript_max_abs_diff"] <= 1e-4
    assert report["onnx_max_abs_diff"] <= 1e-4
    assert files["model.onnx"][:2] and len(files["model.torchscript.pt"]) > 1000


@pytest.mark.slow
def test_the_registered_pyfunc_generates_midi(payload, tmp_path):
    _, data = payload
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path}/mlflow.db")
    mlflow.set_experiment("export-test")
    weights = tmp_path / "model.pt"
    save_checkpoint(weights, data)
    import auralab

    code = __import__("pathlib").Path(auralab.__file__).parent
    with mlflow.start_run():
        info = log_and_register(weights, "auralab-music-test", code, sample_output())
    assert info["version"] == 1
    loaded = mlflow.pyfunc.load_model("models:/auralab-music-test/1")
    request = INPUT_EXAMPLE.assign(n_pieces=2, max_new_tokens=48)
    out = loaded.predict(request)
    assert isinstance(out, pd.DataFrame) and len(out) == 2 and out["valid"].all()
    score = symusic.Score.from_midi(base64.b64decode(out["midi_base64"][0]))
    assert score.note_num() > 0 and score.ticks_per_quarter == 480
    assert loaded.metadata.signature is not None
