"""Audio decoding, resampling, levels and encoding (mono float32 in memory, 16-bit PCM on disk)."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from auralab.core.errors import DataLoadError

EPS = 1e-10


def decode(data: bytes, sample_rate: int) -> tuple[np.ndarray, int, int]:
    """Any libsndfile format (WAV, FLAC, OGG, MP3, AIFF, ...) -> (mono float32 at ``sample_rate``,
    original sample rate, original channel count). Raises DataLoadError with a short reason."""
    if not data:
        raise DataLoadError("empty file")
    try:
        audio, original_rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as error:
        raise DataLoadError(f"unreadable: {error}") from None
    if audio.shape[0] == 0:
        raise DataLoadError("no samples")
    channels = int(audio.shape[1])
    mono = audio.mean(axis=1)
    if not np.isfinite(mono).all():
        raise DataLoadError("non-finite samples")
    return resample(mono, int(original_rate), sample_rate), int(original_rate), channels


def resample(audio: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Band-limited resampling (soxr, through librosa); float32 out."""
    if source_rate == target_rate:
        return audio.astype(np.float32, copy=False)
    import librosa

    out = librosa.resample(audio, orig_sr=source_rate, target_sr=target_rate, res_type="soxr_hq")
    return np.asarray(out, dtype=np.float32)


def to_pcm16(audio: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] -> int16 (clipped)."""
    return (np.clip(audio, -1.0, 32767 / 32768) * 32768.0).round().astype(np.int16)


def from_pcm16(pcm: np.ndarray) -> np.ndarray:
    return pcm.astype(np.float32) / 32768.0


def encode(audio: np.ndarray, sample_rate: int, fmt: str = "WAV") -> bytes:
    """Mono float audio -> 16-bit WAV or FLAC bytes."""
    buffer = io.BytesIO()
    sf.write(buffer, to_pcm16(audio), sample_rate, format=fmt, subtype="PCM_16")
    return buffer.getvalue()


def rms(audio: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(audio, dtype=np.float64)))) if audio.size else 0.0


def dbfs(audio: np.ndarray) -> float:
    """RMS level in dB relative to full scale (-inf-safe: floor at -200)."""
    return float(20 * np.log10(max(rms(audio), EPS)))


def set_level(audio: np.ndarray, target_dbfs: float) -> np.ndarray:
    """Scale to an RMS level; peaks are limited to 0.99 so the result never clips."""
    gain = 10 ** ((target_dbfs - dbfs(audio)) / 20)
    out = audio * gain
    top = float(np.abs(out).max()) if out.size else 0.0
    if top > 0.99:
        out = out * (0.99 / top)
    return out.astype(np.float32)


def mix_at_snr(signal: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``signal + noise`` with the noise scaled so that RMS(signal)/RMS(noise) is ``snr_db``.

    ``noise`` must be at least as long as ``signal``; only its first ``len(signal)`` samples are used.
    """
    noise = noise[: len(signal)]
    scale = rms(signal) / max(rms(noise), EPS) / (10 ** (snr_db / 20))
    return (signal + scale * noise).astype(np.float32)


def fit_length(audio: np.ndarray, length: int, offset: int = 0) -> np.ndarray:
    """Place ``audio`` at ``offset`` in a zero buffer of ``length`` samples (cropping what spills)."""
    out = np.zeros(length, dtype=np.float32)
    start, src = max(offset, 0), max(-offset, 0)
    n = max(min(len(audio) - src, length - start), 0)
    out[start : start + n] = audio[src : src + n]
    return out
