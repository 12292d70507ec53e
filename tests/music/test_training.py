"""Training: a killed run resumes from its checkpoint on the same loss curve; safe loading."""

from __future__ import annotations

import pickle

import pytest
import torch

from auralab.core.checkpoint import load_checkpoint
from auralab.core.errors import DataLoadError
from auralab.music.params import AugmentParams, IngestParams, PreprocessParams, TrainParams
from auralab.music.preprocess import tokenize_notes
from auralab.music.tables import build_tables
from auralab.music.tokenizer import Tokenizer
from auralab.music.training import Augmentation, fit

TINY = {
    "model": {"n_layer": 1, "n_head": 2, "n_embd": 32, "dropout": 0.1},
    "seq_len": 48,
    "batch_size": 4,
    "max_steps": 10,
    "warmup_steps": 2,
    "eval_every": 5,
    "checkpoint_every": 4,
    "eval_windows": 4,
    "num_workers": 0,
    "n_samples": 0,
}


def size(tokenizer):
    return tokenizer.vocabulary.size


def aug(tokenizer):
    return Augmentation(tokenizer, AugmentParams())


@pytest.fixture(scope="module")
def data(bach_midi):
    notes = build_tables(dict(list(bach_midi.items())[:30]), [], IngestParams()).notes
    sequences, vocabulary = tokenize_notes(notes, PreprocessParams())
    return sequences, Tokenizer(vocabulary)


def test_a_killed_run_resumes_on_the_same_loss_curve(data, tmp_path):
    sequences, tokenizer = data
    params = TrainParams.model_validate(TINY)
    whole = fit(sequences, size(tokenizer), params, aug(tokenizer)).result
    checkpoint = tmp_path / "last.pt"
    fit(sequences, size(tokenizer), params, aug(tokenizer), checkpoint, stop_after=6)  # "killed"
    assert load_checkpoint(checkpoint)["step"] == 4  # last checkpoint before the kill
    resumed = fit(sequences, size(tokenizer), params, aug(tokenizer), checkpoint).result
    assert resumed.steps == whole.steps == 10
    assert [v for _, v in resumed.history["loss"]] == pytest.approx(
        [v for _, v in whole.history["loss"]], abs=1e-5
    )
    assert resumed.best_val_loss == pytest.approx(whole.best_val_loss, abs=1e-5)


def test_a_checkpoint_from_other_parameters_is_not_resumed(data, tmp_path):
    sequences, tokenizer = data
    checkpoint = tmp_path / "last.pt"
    fit(sequences, size(tokenizer), TrainParams.model_validate(TINY), aug(tokenizer), checkpoint)
    other = TrainParams.model_validate({**TINY, "lr": 5e-4})
    assert fit(sequences, size(tokenizer), other, aug(tokenizer), checkpoint).result.steps == 10


def test_loss_goes_down(data):
    sequences, tokenizer = data
    params = TrainParams.model_validate({**TINY, "max_steps": 30, "eval_every": 10})
    history = fit(sequences, size(tokenizer), params, aug(tokenizer)).result.history["val_loss"]
    assert history[-1][1] < history[0][1] - 0.3


def test_early_stopping_stops_when_validation_stalls(data):
    sequences, tokenizer = data
    params = TrainParams.model_validate(
        {**TINY, "max_steps": 200, "lr": 1e-9, "warmup_steps": 1, "eval_every": 2, "patience": 2}
    )
    result = fit(sequences, size(tokenizer), params, aug(tokenizer)).result
    assert result.stopped_early and result.steps < 200


def test_unsafe_checkpoints_are_refused(tmp_path):
    class Exploit:
        def __reduce__(self):
            return (print, ("pwned",))

    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"x": Exploit()}))
    with pytest.raises(DataLoadError, match="cannot read checkpoint"):
        load_checkpoint(path)
    torch.save({"ok": torch.ones(2)}, tmp_path / "fine.pt")
    assert load_checkpoint(tmp_path / "fine.pt")["ok"].sum() == 2
