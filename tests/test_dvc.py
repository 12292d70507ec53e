"""DVC mirrors the Kedro pipelines, and reproduces the data bit for bit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from auralab import dvc_stages

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_dvc_yaml_matches_the_kedro_pipelines(monkeypatch):
    monkeypatch.chdir(PROJECT_ROOT)
    monkeypatch.delenv("AURALAB_DATA_ROOT", raising=False)
    assert dvc_stages.main(["--check"]) == 0, "run `python -m auralab.dvc_stages`"


def test_each_stage_runs_its_namespace_and_tracks_its_params():
    stages = yaml.safe_load((PROJECT_ROOT / "dvc.yaml").read_text())["stages"]
    assert list(stages) == [
        "music_ingest",
        "music_validate",
        "music_preprocess",
        "music_augment",
        "music_train",
        "music_evaluate",
        "music_export",
        "wakeword_ingest",
        "wakeword_validate",
        "wakeword_preprocess",
        "wakeword_augment",
        "wakeword_train",
        "wakeword_evaluate",
        "wakeword_export",
    ]
    # The wakeword family renders the music family's MIDI: a dep there, an out of music_ingest only.
    assert "data/01_raw/music/bach" in stages["wakeword_ingest"]["deps"]
    assert not any("music" in str(out) for out in stages["wakeword_ingest"]["outs"])
    # Mined hard negatives are versioned by DVC as an out of the train stage.
    assert "data/05_model_input/wakeword/hard_negatives" in stages["wakeword_train"]["outs"]
    assert (
        stages["music_preprocess"]["cmd"] == "kedro run --pipelines preprocess --namespaces music"
    )
    assert stages["music_preprocess"]["params"] == ["music.preprocess"]
    assert "data/02_intermediate/music/notes.parquet" in stages["music_preprocess"]["deps"]


def _sh(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-2000:]}"
    return result.stdout + result.stderr


def _out_hashes(repo: Path) -> dict[str, str]:
    lock = yaml.safe_load((repo / "dvc.lock").read_text())["stages"]
    return {o["path"]: o["md5"] for stage in lock.values() for o in stage.get("outs", [])}


@pytest.mark.slow
def test_dvc_repro_is_deterministic_and_push_pull_round_trips(tmp_path):
    repo = tmp_path / "repo"
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        source = PROJECT_ROOT / name
        if source.is_file() or source.is_symlink():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name, follow_symlinks=False)
    (repo / "dvc.lock").unlink(missing_ok=True)
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "KEDRO_ENV": "ci",
        "AURALAB_DATA_ROOT": "data",
        "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path}/mlflow.db",
        "DVC_NO_ANALYTICS": "1",
        "KEDRO_DISABLE_TELEMETRY": "1",
        "AURALAB_PROGRESS": "0",
    }
    for command in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.email=t@t", "-c", "user.name=t", "commit", "-qm", "x"],
    ):
        _sh(command, repo, env)
    dvc = str(BIN / "dvc")
    _sh([dvc, "remote", "modify", "--local", "local", "url", str(tmp_path / "remote")], repo, env)

    data_half = "music_augment"  # and everything it depends on; the model half holds timings
    _sh([dvc, "repro", data_half], repo, env)
    first = _out_hashes(repo)
    assert len(first) >= 10

    assert "didn't change" in _sh([dvc, "repro", data_half], repo, env)  # a no-op
    assert _out_hashes(repo) == first

    _sh([dvc, "push"], repo, env)
    for folder in ("02_intermediate", "05_model_input", "08_reporting"):
        shutil.rmtree(repo / "data" / folder)
    _sh([dvc, "repro", data_half], repo, env)
    assert _out_hashes(repo) == first  # rebuilt bit for bit

    shutil.rmtree(repo / "data")
    shutil.rmtree(repo / ".dvc" / "cache")
    _sh(["git", "checkout", "--", "data"], repo, env)  # a fresh clone: git files, no DVC data
    _sh([dvc, "pull", "--with-deps", data_half], repo, env)
    assert (repo / "data/05_model_input/music/tokens/tokens.npy").exists()
    assert "up to date" in _sh([dvc, "status", data_half], repo, env)
