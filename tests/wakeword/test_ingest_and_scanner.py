"""User folders (quarantine with reasons, resampling), windows, and the scanner's checks."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
import soundfile as sf

from auralab.core.errors import DataValidationError
from auralab.core.expectations import audio_health_suite, raise_if_failed, run_suite
from auralab.wakeword.backgrounds import coloured_noise
from auralab.wakeword.clips import pack
from auralab.wakeword.ingest import read_user_recordings, user_clip_set
from auralab.wakeword.params import ValidateParams, load_wakeword_params
from auralab.wakeword.scanner import health_table
from auralab.wakeword.windows import make_windows

PARAMS = load_wakeword_params()


def _wav(seconds: float, rate: int, channels: int = 1, level: float = 0.1) -> bytes:
    rng = np.random.default_rng(0)
    audio = rng.uniform(-level, level, (int(seconds * rate), channels))
    buffer = io.BytesIO()
    sf.write(buffer, audio, rate, format="WAV")
    return buffer.getvalue()


def test_user_files_are_read_resampled_or_quarantined_with_reasons():
    files = {
        "positive/alice/one.wav": _wav(0.8, 44100, channels=2),
        "negative/other.wav": _wav(1.0, 8000),
        "background/cafe.wav": _wav(3.0, 48000),
        "rir/hall.wav": _wav(0.3, 22050),
        "positive/.gitkeep": b"",
        "positive/broken.wav": b"RIFF\x10\x00\x00\x00WAVEfmt garbage",
        "negative/empty.wav": b"",
        "negative/silent.wav": _wav(1.0, 16000, level=0.0),
        "negative/blip.wav": _wav(0.05, 16000),
        "notes.txt": b"hello",
    }
    user = read_user_recordings(files, PARAMS.ingest)
    reasons = {q["source"]: q["reason"] for q in user.quarantine}
    assert reasons == {
        "user/positive/broken.wav": "unreadable",
        "user/negative/empty.wav": "empty file",
        "user/negative/silent.wav": "silent",
        "user/negative/blip.wav": "too short",
        "user/notes.txt": "outside the user folders",
    }
    clips = user_clip_set(user, 16000)
    table = clips.table.set_index("clip_id")
    alice = table.loc["user-positive-alice/one.wav"]
    assert (alice["label"], alice["speaker"], alice["original_sample_rate"]) == (
        1,
        "user:alice",
        44100,
    )
    assert alice["original_channels"] == 2 and alice["length"] == 12800
    assert table.loc["user-negative-other.wav", "length"] == 16000
    assert len(user.backgrounds["cafe.wav"]) == 48000 and "hall.wav" in user.rirs


@pytest.mark.parametrize(("label", "category"), [(1, "positive"), (0, "context")])
def test_a_phrase_shaped_window_ends_its_speech_where_the_parameters_say(label, category):
    # Positives, and context negatives ("hey we") shaped like them, end where a streaming
    # detector sees the phrase just finished.
    rng = np.random.default_rng(3)
    speech = np.concatenate(
        [np.zeros(2000), coloured_noise("white", 8000, rng) * 0.1, np.zeros(3000)]
    )
    table = pd.DataFrame(
        [
            {
                "clip_id": "p",
                "label": label,
                "category": category,
                "split": "train",
                "speaker": "s",
                "source": "synthetic",
                "speech_start": 2000,
                "speech_end": 10000,
            }
        ]
    )
    windows = make_windows(pack([speech.astype(np.float32)], table, 16000), PARAMS.preprocess)
    window = windows.clip(0)
    assert len(window) == 24000
    end = np.flatnonzero(np.abs(window) > 0).max() + 1
    position = PARAMS.preprocess.phrase_end_position
    assert position.low * 24000 - 1 <= end <= position.high * 24000 + 1


def _clips_with(leak: bool, overlap: bool):
    rng = np.random.default_rng(4)
    audio = [coloured_noise("white", 8000, rng) * 0.1 for _ in range(4)]
    if leak:
        audio[3] = audio[0]
    rows = [
        {
            "clip_id": f"c{i}",
            "label": i % 2,
            "category": "speech",
            "split": split,
            "speaker": speaker,
            "source": "synthetic",
        }
        for i, (split, speaker) in enumerate(
            [("train", "a"), ("train", "a"), ("test", "b"), ("test", "a" if overlap else "c")]
        )
    ]
    return pack(audio, pd.DataFrame(rows), 16000)


@pytest.mark.parametrize(
    ("leak", "overlap", "failed"),
    [
        (False, False, set()),
        (True, False, {"duplicate_across_splits"}),
        (False, True, {"speaker_splits"}),
    ],
)
def test_the_scanner_flags_leaks_and_speaker_overlap(leak, overlap, failed):
    table = health_table(
        _clips_with(leak, overlap), {}, pd.DataFrame(), {}, pd.DataFrame(), {}, ValidateParams()
    )
    report = run_suite(table, "health", audio_health_suite(), ["set", "name"])
    columns = {r["kwargs"].get("column") for r in report["results"] if not r["success"]}
    assert columns == failed
    if failed:
        with pytest.raises(DataValidationError, match=failed.pop()):
            raise_if_failed(report)
