"""The waveform augmenter: SNR schedule, drawn SNR achieved, determinism, length kept."""

from __future__ import annotations

import numpy as np
import pytest

from auralab.wakeword.audio import rms
from auralab.wakeword.augment import AddBackground, WaveformAugmenter
from auralab.wakeword.backgrounds import coloured_noise
from auralab.wakeword.params import load_wakeword_params


@pytest.fixture(scope="module")
def params():
    return load_wakeword_params().augment


def test_the_snr_schedule_moves_from_easy_to_hard_then_stays(params):
    schedule = params.snr_schedule
    ranges = [schedule.range_at(e) for e in range(schedule.ramp_epochs + 3)]
    assert ranges[0] == (schedule.start_db.low, schedule.start_db.high)
    assert ranges[schedule.ramp_epochs] == (schedule.end_db.low, schedule.end_db.high)
    assert ranges[-1] == ranges[schedule.ramp_epochs]
    lows = [low for low, _ in ranges]
    assert lows == sorted(lows, reverse=True)


def test_the_background_is_added_at_the_drawn_snr():
    rng = np.random.default_rng(0)
    clip = coloured_noise("white", 16000, rng) * 0.05
    transform = AddBackground([coloured_noise("pink", 40000, rng)], 3.0, 3.0, p=1.0)
    mixed = transform(clip, 16000)
    assert transform.parameters["snr_db"] == 3.0
    assert 20 * np.log10(rms(clip) / rms(mixed - clip)) == pytest.approx(3.0, abs=1e-3)


def test_augmentation_is_deterministic_keeps_length_and_follows_the_epoch(params):
    rng = np.random.default_rng(1)
    backgrounds = [coloured_noise("brown", 48000, rng) * 0.1 for _ in range(3)]
    rirs = [np.exp(-np.arange(2000) / 300.0).astype(np.float32) * rng.standard_normal(2000)]
    clip = coloured_noise("white", 24000, rng) * 0.05

    def run(epoch: int, seed: int) -> list:
        augmenter = WaveformAugmenter(backgrounds, rirs, params, 16000, seed=seed)
        low, high = augmenter.set_epoch(epoch)
        outputs = [augmenter.augment(clip) for _ in range(40)]
        for audio, record in outputs:
            assert len(audio) == len(clip) and np.isfinite(audio).all()
            assert np.abs(audio).max() <= 0.99 + 1e-6
            if record.background:
                assert low <= record.snr_db <= high
        return outputs

    first, again = run(0, seed=5), run(0, seed=5)
    assert all(np.array_equal(a, b) for (a, _), (b, _) in zip(first, again, strict=True))
    hard = run(params.snr_schedule.ramp_epochs, seed=5)
    easy_snr = np.nanmean([r.snr_db for _, r in first])
    hard_snr = np.nanmean([r.snr_db for _, r in hard])
    assert hard_snr < easy_snr - 10
