"""End to end: `kedro run` of the music family on the `ci` profile, with real MLflow and DVC-free
data in a temp folder: data half, then train, evaluate, export and the generate command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest
import symusic

from auralab.core.checkpoint import load_checkpoint
from auralab.datasets import TokenSequencesDataset

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first_run(project):
    user = project.data_root / "01_raw" / "music" / "user"
    user.mkdir(parents=True)
    (user / "empty.mid").write_bytes(b"")
    (user / "broken.mid").write_bytes(b"MThd\x00\x00\x00\x06\x00\x01\x00\x01\x01\xe0MTrk\xff\xff")
    (user / "song.txt").write_text("not midi")
    result = project.run()
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_outputs_are_written(project, first_run):
    root = project.data_root
    notes = pd.read_parquet(root / "02_intermediate/music/notes.parquet")
    assert notes["source"].nunique() == 40
    tokens = TokenSequencesDataset(str(root / "05_model_input/music/tokens")).load()
    assert len(tokens) == 40 and isinstance(tokens.tokens, np.memmap)
    vocabulary = json.loads((root / "05_model_input/music/vocabulary.json").read_text())
    assert int(tokens.tokens.max()) < vocabulary["size"]
    assert json.loads((root / "08_reporting/music/validation_status.json").read_text())["passed"]


def test_bad_user_files_are_quarantined_with_reasons(project, first_run):
    quarantine = pd.read_csv(project.data_root / "08_reporting/music/quarantine.csv")
    reasons = dict(zip(quarantine["source"], quarantine["reason"], strict=True))
    assert reasons == {
        "user/broken.mid": "corrupt or truncated MIDI",
        "user/empty.mid": "empty file",
        "user/song.txt": "unsupported format",
    }


def test_the_mlflow_run_holds_params_metrics_tags_and_artifacts(project, first_run):
    run = project.runs()[-1]
    assert run.info.status == "FINISHED"
    assert run.data.params["music.preprocess.velocity.n_bins"] == "8"
    assert run.data.params["music.augment.check_sample_size"] == "16"  # the ci override
    metrics = run.data.metrics
    assert metrics["music.ingest_metrics.n_files_ok"] == 40
    assert metrics["music.ingest_metrics.n_files_quarantined"] == 3
    assert metrics["music.preprocess_metrics.n_tokens"] > 10_000
    assert metrics["duration_s.music.tokenize"] > 0
    tags = run.data.tags
    assert len(tags["git_commit"]) == 40 or tags["git_commit"] == "unknown"
    assert tags["data_version.music.corpus_midi"].endswith(".dir")
    assert len(tags["data_version"]) == 32
    client = mlflow.MlflowClient(project.tracking_uri)
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "music/validate")}
    assert "music/validate/notes_validation.json" in artifacts
    assert any(
        a.path.endswith("quarantine.csv")
        for a in client.list_artifacts(run.info.run_id, "music/ingest")
    )


def test_each_stage_runs_alone_by_namespace(project, first_run):
    for stage in ("ingest", "preprocess", "validate", "augment", "train", "evaluate", "export"):
        result = project.run("--pipelines", stage, "--namespaces", "music")
        assert result.returncode == 0, (stage, result.stderr[-2000:])


def test_a_bad_parameter_stops_the_run_before_any_work(project, first_run):
    before = len(project.runs())
    notes = project.data_root / "02_intermediate/music/notes.parquet"
    stamp = notes.stat().st_mtime_ns
    result = project.run("--params", "music.preprocess.velocity.n_bins=0")
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())  # undo the console's line wrapping
    assert "music.preprocess.velocity.n_bins = 0" in output
    assert "greater than or equal to 1" in output
    assert len(project.runs()) == before
    assert notes.stat().st_mtime_ns == stamp


def test_secrets_from_the_environment_never_reach_mlflow_or_logs(project, first_run):
    run = project.runs()[-1]
    everything = json.dumps({**run.data.params, **run.data.tags})
    assert project.secret not in everything
    log_file = project.data_root.parent / "logs" / "auralab.jsonl"
    assert '"event": "node finished"' in log_file.read_text()
    assert project.secret not in log_file.read_text()


def test_the_model_half_trains_evaluates_exports_and_registers(project, first_run):
    root = project.data_root
    payload = load_checkpoint(root / "06_models/music/model.pt")
    assert set(payload) >= {"config", "state_dict", "vocabulary", "preprocess"}
    scores = json.loads((root / "08_reporting/music/evaluation.json").read_text())["scores"]
    assert scores["valid_rate_constrained"] == 1.0
    assert scores["test_nll"] > 0 and scores["test_bigram_nll"] > 0
    generated = sorted((root / "07_model_output/music/generated").glob("*.mid"))
    assert len(generated) == 4
    assert all(symusic.Score(str(path)).note_num() > 0 for path in generated)
    assert (root / "08_reporting/music/evaluation/report.md").read_text().startswith("# Music")
    export = json.loads((root / "08_reporting/music/export_report.json").read_text())
    assert export["onnx_max_abs_diff"] <= 1e-4 and export["torchscript_max_abs_diff"] <= 1e-4
    client = mlflow.MlflowClient(project.tracking_uri)
    assert client.get_registered_model("auralab-music").latest_versions
    run = project.runs()[0]
    assert "train.loss" in run.data.metrics and "train.val_loss" in run.data.metrics
    samples = client.list_artifacts(run.info.run_id, "music/train/samples")
    assert samples, "generated samples are logged during training"


def test_the_generate_command_writes_midi(project, first_run, tmp_path):
    model = project.data_root / "06_models/music/model.pt"
    auralab = str(Path(sys.executable).with_name("auralab"))
    for extra in ([], ["--no-constraints"]):
        result = subprocess.run(
            [
                auralab,
                "generate",
                "--model",
                str(model),
                "--out",
                str(tmp_path / "out"),
                "--n",
                "2",
                "--tokens",
                "40",
                "--seed",
                "3",
                *extra,
            ],
            capture_output=True,
            text=True,
            env=project.env(),
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert "pieces valid" in result.stdout
    assert list((tmp_path / "out").glob("piece_3_*.mid"))
