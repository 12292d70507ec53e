"""End to end: `kedro run --namespaces wakeword` on the `ci` profile, with real MLflow, user
recordings (one good at 22.05 kHz stereo, one corrupt, one empty), the scanner, training, mining,
evaluation, the cascade against a real `mlflow models serve` judge, and export."""

from __future__ import annotations

import io
import json

import mlflow
import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from auralab.core.checkpoint import load_checkpoint
from auralab.datasets import ClipSetDataset, FeatureSetDataset
from auralab.wakeword.detector import same_weights
from auralab.wakeword.espeak import espeak

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def first_run(project):
    user = project.data_root / "01_raw" / "wakeword" / "user"
    engine = espeak()
    spoken = engine.synthesize("hey aura", "en-us+m3", 150, 40)
    stereo = np.stack([spoken, spoken], axis=1)
    buffer = io.BytesIO()
    sf.write(buffer, stereo, engine.sample_rate, format="FLAC")  # 22.05 kHz stereo FLAC
    (user / "positive" / "zoe").mkdir(parents=True)
    (user / "positive" / "zoe" / "take1.flac").write_bytes(buffer.getvalue())
    (user / "negative").mkdir(parents=True)
    (user / "negative" / "broken.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt \x10garbage")
    (user / "negative" / "empty.wav").write_bytes(b"")
    result = project.run("--namespaces", "wakeword")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def test_the_data_half_writes_clips_windows_mixtures_and_features(project, first_run):
    root = project.data_root
    clips = ClipSetDataset(str(root / "02_intermediate/wakeword/clips")).load()
    table = clips.table
    assert set(table["category"]) >= {
        "positive",
        "adversarial",
        "partial",
        "context",
        "speech",
        "silence",
    }
    user = table[table["clip_id"] == "user-positive-zoe/take1.flac"].iloc[0]
    assert (user["original_sample_rate"], user["original_channels"]) == (22050, 2)
    assert user["speaker"] == "user:zoe"
    windows = ClipSetDataset(str(root / "05_model_input/wakeword/windows")).load()
    assert set(windows.table["length"]) == {24000}
    features = FeatureSetDataset(str(root / "05_model_input/wakeword/evaluation_features")).load()
    mixtures = ClipSetDataset(str(root / "05_model_input/wakeword/evaluation_mixtures")).load()
    context = 2 * 48  # 0.48 s of background before and after each window, in frames
    assert features.features.shape == (len(mixtures), 148 + context, 40)
    assert set(mixtures.table["split"]) == {"validation", "test"}
    assert mixtures.table["snr_db"].between(0, 10).all()
    assert (mixtures.table["room"] != "").all()  # reverb_probability 1.0
    longform = sorted(p.name for p in (root / "02_intermediate/wakeword/longform").rglob("*.flac"))
    assert longform == [
        "evaluation-000.flac",
        "evaluation-001.flac",
        "mining-000.flac",
        "validation-000.flac",
    ]


def test_bad_user_files_are_quarantined_and_the_scanner_reports(project, first_run):
    quarantine = pd.read_csv(project.data_root / "08_reporting/wakeword/quarantine.csv")
    reasons = dict(zip(quarantine["source"], quarantine["reason"], strict=True))
    assert reasons == {
        "user/negative/broken.wav": "unreadable",
        "user/negative/empty.wav": "empty file",
    }
    summary = json.loads(
        (project.data_root / "08_reporting/wakeword/health_summary.json").read_text()
    )
    assert summary["speakers_in_several_splits"] == []
    assert summary["sample_rates"]["22050"] == 1
    assert len(summary["quarantined"]) == 2


def test_the_mlflow_run_logs_scanner_schedule_and_checks(project, first_run):
    run = project.runs()[-1]
    client = mlflow.MlflowClient(project.tracking_uri)
    assert run.data.metrics["wakeword.ingest_metrics.n_files_quarantined"] == 2
    assert run.data.params["wakeword.ingest.phrase"] == "hey aura"
    history = client.get_metric_history(
        run.info.run_id, "wakeword.augment_schedule_metrics.schedule_snr_low_db"
    )
    lows = [m.value for m in sorted(history, key=lambda m: m.step)]
    assert len(lows) == 7 and lows[0] == 15 and lows[-1] == -2
    artifacts = {a.path for a in client.list_artifacts(run.info.run_id, "wakeword/validate")}
    assert {"wakeword/validate/health.png", "wakeword/validate/health_table.csv"} <= artifacts
    augment = {a.path for a in client.list_artifacts(run.info.run_id, "wakeword/augment")}
    assert "wakeword/augment/spectrograms.png" in augment


def test_the_model_half_trains_mines_evaluates_serves_and_registers(project, first_run):
    root = project.data_root
    models = {
        name: load_checkpoint(root / f"06_models/wakeword/{name}.pt")
        for name in (
            "judge_unmined",
            "judge_mined",
            "judge",
            "sentry_unmined",
            "sentry_mined",
            "sentry",
        )
    }
    # The shipped sentry is the ensemble of the sentries before and after mining.
    members = models["sentry"]["members"]
    assert len(members) == 2 and same_weights(members[0], models["sentry_unmined"])
    assert same_weights(members[1], models["sentry_mined"])
    mined = ClipSetDataset(str(root / "05_model_input/wakeword/hard_negatives")).load()
    assert set(mined.table["category"]) <= {"hard_negative"}
    evaluation = json.loads((root / "08_reporting/wakeword/evaluation.json").read_text())
    points = evaluation["sentry"]["operating_points"]
    assert [p["target_fa_per_hour"] for p in points] == [0.1, 0.5, 1.0]
    for point in points:
        assert point["fa_per_hour"] <= point["target_fa_per_hour"] + 1e-9
        assert point["frr_low"] <= point["frr"] <= point["frr_high"]
    parts = evaluation["sentry"]["breakdowns"]
    assert {"speaker", "variant", "snr", "room"} <= set(parts)
    assert sum(r["n"] for r in parts["variant"]) == sum(r["n"] for r in parts["speaker"])
    assert all("+" not in r["voice_variant"] for r in parts["variant"])
    loudest = evaluation["sentry"]["loudest_false_accepts"]
    assert loudest and all(row["kind"] in {"speech", "music", "noise", "babble"} for row in loudest)
    assert [row["score"] for row in loudest] == sorted((r["score"] for r in loudest), reverse=True)
    # The CI profile selects the sentry's checkpoints on validation audio; the judge by loss.
    sentry = json.loads((root / "08_reporting/wakeword/sentry_unmined_report.json").read_text())
    assert sentry["summary"]["selected_by"] == "validation FRR at low FA/h"
    assert "val_frr" in sentry["history"]
    judge = json.loads((root / "08_reporting/wakeword/judge_unmined_report.json").read_text())
    assert judge["summary"]["selected_by"] == "validation loss"
    # After mining, the sentry is trained afresh with the hard negatives.
    report = root / "08_reporting/wakeword/sentry_mined_report.json"
    mined = json.loads(report.read_text())["summary"]
    assert mined["retrained"] == "from scratch" and mined["hard_negatives"] > 0
    assert (
        mined["items_per_epoch"] == sentry["summary"]["items_per_epoch"] + mined["hard_negatives"]
    )
    # Two fine-tunes of the first judge: on labels (the second sentry's teacher) and distilled
    # from the first sentry (the judge that ships).
    for name, teachers in (("judge_mined", []), ("judge", ["sentry_unmined"])):
        report = root / f"08_reporting/wakeword/{name}_report.json"
        tuned = json.loads(report.read_text())["summary"]
        assert tuned["retrained"] == "fine-tuned" and tuned["teachers"] == teachers
    assert not same_weights(models["judge"], models["judge_mined"])
    cascade = json.loads((root / "08_reporting/wakeword/cascade_report.json").read_text())
    assert cascade["judge_unreachable"] == 0
    assert cascade["cascade_frr"] <= cascade["sentry_alone_frr"] + 1e-9
    assert len(cascade["comparisons"]) == 4  # the operating rate and three comparison rates
    for point in cascade["operating_points"]:
        assert point["fa_per_hour"] <= point["target_fa_per_hour"] + 1e-9
    for row in cascade["comparisons"]:
        assert row["cascade_frr"] <= row["sentry_alone_frr"] + 1e-9
    assert len(evaluation["mining_effect"]["at_same_frr"]) == 3
    export = json.loads((root / "08_reporting/wakeword/export_report.json").read_text())
    assert export["sentry"]["streaming_max_abs_diff"] <= 1e-4
    client = mlflow.MlflowClient(project.tracking_uri)
    for name in ("auralab-wakeword-sentry", "auralab-wakeword-judge"):
        assert client.search_model_versions(f"name='{name}'")
    run = client.search_runs(
        [e.experiment_id for e in client.search_experiments()], order_by=["start_time DESC"]
    )[0]
    snr = client.get_metric_history(run.info.run_id, "wakeword.train.sentry.snr_low_db")
    assert [m.step for m in snr] == sorted(m.step for m in snr) and snr
    assert "wakeword.evaluation_metrics.sentry.frr_at_0.5_fa_per_hour" in run.data.metrics


def test_evaluate_detector_scores_saved_detectors_as_the_pipeline_did(project, first_run, capsys):
    from auralab.command_line import main

    root = project.data_root
    members = ("sentry_unmined", "sentry_mined")
    models = [str(root / f"06_models/wakeword/{name}.pt") for name in members]
    args = ["evaluate-detector", *models, "--data-root", str(root), "--loudest", "3", "--ensemble"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    evaluation = json.loads((root / "08_reporting/wakeword/evaluation.json").read_text())
    sections = printed.split("ensemble of 2:")
    assert len(sections) == 2  # each checkpoint, then their mean as one detector
    # The ensemble of the two checkpoints is the sentry the run shipped.
    for name, section in (*((m, sections[0]) for m in members), ("sentry", sections[1])):
        for point in evaluation[name]["operating_points"]:
            assert f"{point['target_fa_per_hour']:>5g} FA/h: FRR {point['frr']:6.1%}" in section
        loudest = evaluation[name]["loudest_false_accepts"][0]
        assert f"{loudest['score']:.3f}  {loudest['recording']}" in section
    assert sections[1].count("FA/h: FRR") == 3
    assert " s in" in printed  # where in the sentence or passage the window that fired ends


def test_train_detector_trains_the_runs_first_sentry_again_and_other_seeds(
    project, first_run, tmp_path, capsys
):
    from auralab.command_line import main

    root = project.data_root
    common = ["train-detector", "sentry", "--data-root", str(root), "--env", "ci"]
    assert main([*common, "--out", str(tmp_path / "again.pt")]) == 0
    assert main([*common, "--out", str(tmp_path / "seed1.pt"), "--seed", "1"]) == 0
    printed = capsys.readouterr().out
    assert "seed 1," in printed and "judge_unmined.pt" in printed
    again, seed1 = load_checkpoint(tmp_path / "again.pt"), load_checkpoint(tmp_path / "seed1.pt")
    # Same data, seed and teacher as the pipeline's first sentry: the same weights.
    assert same_weights(again, load_checkpoint(root / "06_models/wakeword/sentry_unmined.pt"))
    assert not same_weights(seed1, again)
    assert seed1["trained"]["teachers"] == [str(root / "06_models/wakeword/judge_unmined.pt")]
    with pytest.raises(FileNotFoundError, match="kedro run --namespaces wakeword"):
        main([*common, "--out", str(tmp_path / "x.pt"), "--data-root", str(tmp_path)])


def test_a_teacher_with_other_features_is_refused_before_training(project, first_run, tmp_path):
    from auralab.core.checkpoint import save_checkpoint
    from auralab.core.errors import TeacherError
    from auralab.pipelines.train.pipeline import wakeword
    from auralab.pipelines.train.wakeword_nodes import check_teachers
    from auralab.wakeword.params import load_wakeword_params

    root = project.data_root
    payload = load_checkpoint(root / "06_models/wakeword/judge.pt")
    payload["feature_spec"] = {**payload["feature_spec"], "n_mels": 64, "hop_length": 256}
    save_checkpoint(tmp_path / "teacher.pt", payload)
    spec = json.loads((root / "05_model_input/wakeword/feature_spec.json").read_text())
    params = load_wakeword_params().train.model_dump(mode="json")
    params["sentry"]["distillation"]["teachers"] = [{"source": str(tmp_path / "teacher.pt")}]
    with pytest.raises(TeacherError, match="n_mels: teacher 64, student 40") as error:
        check_teachers(params, spec)
    assert "hop_length" in str(error.value)
    params["sentry"]["distillation"]["teachers"] = [{"source": str(tmp_path / "missing.pt")}]
    with pytest.raises(TeacherError, match="no checkpoint"):
        check_teachers(params, spec)
    # No training starts before the check.
    for name in ("wakeword.train_judge", "wakeword.train_sentry"):
        assert "wakeword.check_teachers" in {n.name for n in wakeword().to_nodes(name).nodes}


def test_precomputed_features_warn_that_augmentation_cannot_apply(project, first_run):
    result = project.run(
        "--pipelines",
        "preprocess",
        "--namespaces",
        "wakeword",
        "--params",
        "wakeword.preprocess.use_precomputed_features_for_training=true",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "waveform augmentation" in result.stdout + result.stderr
    train = FeatureSetDataset(str(project.data_root / "05_model_input/wakeword/training_features"))
    assert len(train.load().table) > 0


def test_a_bad_wakeword_parameter_stops_the_run_before_any_work(project, first_run):
    before = len(project.runs())
    result = project.run(
        "--namespaces", "wakeword", "--params", "wakeword.preprocess.features.n_mels=2"
    )
    assert result.returncode != 0
    assert "wakeword.preprocess.features.n_mels = 2" in result.stdout + result.stderr
    assert len(project.runs()) == before
