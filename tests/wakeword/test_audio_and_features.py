"""Decoding, levels, mixing and log-mel features (offline equals streaming)."""

from __future__ import annotations

import io

import librosa
import numpy as np
import pytest
import soundfile as sf

from auralab.core.errors import DataLoadError
from auralab.wakeword.audio import decode, encode, mix_at_snr, rms
from auralab.wakeword.backgrounds import coloured_noise
from auralab.wakeword.features import FeatureSpec, log_mel, n_frames
from auralab.wakeword.params import FeatureParams


def _wav(audio: np.ndarray, rate: int, fmt: str = "WAV") -> bytes:
    buffer = io.BytesIO()
    sf.write(buffer, audio, rate, format=fmt)
    return buffer.getvalue()


def test_any_rate_and_channel_count_becomes_mono_at_the_project_rate():
    t = np.arange(44100) / 44100
    stereo = np.stack([np.sin(2 * np.pi * 440 * t), np.sin(2 * np.pi * 440 * t)], axis=1) * 0.5
    for fmt in ("WAV", "FLAC", "OGG"):
        audio, rate, channels = decode(_wav(stereo, 44100, fmt), 16000)
        assert (rate, channels) == (44100, 2)
        assert abs(len(audio) - 16000) <= 1
        spectrum = np.abs(np.fft.rfft(audio[1000:15000]))
        assert abs(np.argmax(spectrum) * 16000 / 14000 - 440) < 3


def test_unreadable_and_empty_files_raise_with_a_reason():
    with pytest.raises(DataLoadError, match="empty file"):
        decode(b"", 16000)
    with pytest.raises(DataLoadError, match="unreadable"):
        decode(b"RIFF\x00\x00\x00\x00WAVEjunk", 16000)


def test_mixing_hits_the_requested_snr():
    rng = np.random.default_rng(0)
    signal = coloured_noise("white", 16000, rng) * 0.1
    noise = coloured_noise("pink", 16000, rng)
    for snr in (-5.0, 0.0, 10.0):
        mixed = mix_at_snr(signal, noise, snr)
        achieved = 20 * np.log10(rms(signal) / rms(mixed - signal))
        assert achieved == pytest.approx(snr, abs=1e-3)


def test_noise_colours_have_their_spectral_slopes():
    rng = np.random.default_rng(1)
    freqs = np.fft.rfftfreq(2**16, 1 / 16000)
    band = (freqs > 100) & (freqs < 4000)
    slopes = {}
    for colour in ("white", "pink", "brown", "blue"):
        power = np.abs(np.fft.rfft(coloured_noise(colour, 2**16, rng))) ** 2
        slopes[colour] = np.polyfit(np.log10(freqs[band]), np.log10(power[band]), 1)[0]
    assert slopes["white"] == pytest.approx(0, abs=0.1)
    assert slopes["pink"] == pytest.approx(-1, abs=0.1)
    assert slopes["brown"] == pytest.approx(-2, abs=0.1)
    assert slopes["blue"] == pytest.approx(1, abs=0.1)


def test_wav_encoding_round_trips_within_a_quantization_step():
    audio = (np.random.default_rng(2).uniform(-0.9, 0.9, 8000)).astype(np.float32)
    back, _, _ = decode(encode(audio, 16000), 16000)
    assert np.abs(back - audio).max() <= 1 / 32768 + 1e-7


SPEC = FeatureSpec.build(FeatureParams(), 16000, 1.5)


def test_the_window_has_148_frames_of_10_ms():
    assert SPEC.window_frames == 148
    assert SPEC.window_samples == 147 * 160 + 400
    assert n_frames(SPEC.window_samples, SPEC) == 148


def test_log_mel_matches_librosa():
    audio = coloured_noise("pink", 24000, np.random.default_rng(3)) * 0.1
    ours = log_mel(audio, SPEC)
    theirs = librosa.feature.melspectrogram(
        y=audio, sr=16000, n_fft=400, hop_length=160, center=False, n_mels=40, fmin=60, fmax=7600
    )
    np.testing.assert_allclose(ours, np.log(theirs.T + 1e-6), atol=1e-3)


def test_frames_computed_hop_by_hop_equal_the_offline_frames():
    audio = coloured_noise("white", 16000 * 3, np.random.default_rng(4)) * 0.1
    offline = log_mel(audio, SPEC)
    hop = 1280  # 80 ms: eight new frames per hop
    history = SPEC.n_fft - SPEC.hop_length
    streamed = []
    for end in range(hop + history, len(audio) + 1, hop):
        streamed.append(log_mel(audio[end - hop - history : end], SPEC))
    streamed_frames = np.concatenate(streamed)
    # Equal up to float32 summation order in the filterbank product.
    np.testing.assert_allclose(streamed_frames, offline[: len(streamed_frames)], atol=1e-5)
