"""Long-form negative audio: exactly as long as asked, with a segment table that covers it."""

from __future__ import annotations

import numpy as np

from auralab.wakeword.backgrounds import coloured_noise
from auralab.wakeword.longform import LongformMaterial, Utterance, compose
from auralab.wakeword.params import LongformParams


def test_long_form_audio_is_exactly_the_minutes_asked_for():
    rng = np.random.default_rng(0)
    utterances = [
        Utterance((coloured_noise("white", int(16000 * s), rng) * 0.1).astype(np.float32), f"v{i}")
        for i, s in enumerate((0.73, 1.31, 0.97, 2.05))
    ]
    params = LongformParams(
        evaluation_minutes=1.0, mining_minutes=1.0, chunk_minutes=0.5,
        speech_share=0.5, music_share=0.0, noise_share=0.25, babble_share=0.25,
    )  # fmt: skip
    chunks, table = compose(
        LongformMaterial(utterances, [], []), 1.0, params, 16000, 3, "evaluation"
    )
    assert [len(c) for c in chunks] == [480000, 480000]  # 0.5 min each: an hour is an hour
    assert all(np.isfinite(c).all() and np.abs(c).max() < 1 for c in chunks)
    for _, segments in table.groupby("file"):
        assert segments["start_s"].iloc[0] == 0 and abs(segments["end_s"].iloc[-1] - 30) < 1e-9
        np.testing.assert_allclose(segments["start_s"].iloc[1:], segments["end_s"].iloc[:-1])
    assert set(table["kind"]) <= {"speech", "noise", "babble"}
