"""SpecAugment-style masking of log-mel batches (Park et al., 2019): frequency and time bands;
and vocal tract length perturbation (VTLP, Jaitly and Hinton, 2013): each example's frequency axis
stretched by its own factor, as a longer or shorter vocal tract moves every formant.

Masked frequency bands make the detector lean on the whole spectral shape of the phrase rather
than on the formants of the voices it trained on; time bands on its whole duration. Applied to the
student's input only (a teacher sees the unmasked window), after the waveform augmentation, and
also when features are precomputed.

Written by hand: torchaudio (which has ``FrequencyMasking``/``TimeMasking``) is not a dependency,
its wheels pin a CUDA build of torch; the masks are a few tensor operations. No library warps
log-mel features in a batch (audiomentations' pitch shift changes pitch, not formants, and costs a
resampling per clip); the warp is an interpolation along the mel axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SpecMasks:
    """How many bands of at most how many bins (``freq_*``, mel bins) or frames (``time_*``)."""

    freq_masks: int = 0
    freq_width: int = 0
    time_masks: int = 0
    time_width: int = 0

    @property
    def active(self) -> bool:
        return (self.freq_masks > 0 and self.freq_width > 0) or (
            self.time_masks > 0 and self.time_width > 0
        )


def _bands(batch: int, size: int, count: int, width: int, like: torch.Tensor) -> torch.Tensor:
    """``[batch, size]`` True where any of ``count`` random bands of width 0..``width`` lies."""
    masked = torch.zeros(batch, size, dtype=torch.bool, device=like.device)
    if count <= 0 or width <= 0:
        return masked
    positions = torch.arange(size, device=like.device)
    for _ in range(count):
        widths = torch.randint(0, width + 1, (batch, 1), device=like.device)
        starts = (torch.rand(batch, 1, device=like.device) * (size - widths + 1)).floor()
        masked |= (positions >= starts) & (positions < starts + widths)
    return masked


def mask_features(features: torch.Tensor, masks: SpecMasks) -> torch.Tensor:
    """``features`` [B, T frames, M mels] with each example's own bands set to its mean level."""
    if not masks.active:
        return features
    batch, frames, mels = features.shape
    freq = _bands(batch, mels, masks.freq_masks, masks.freq_width, features)
    time = _bands(batch, frames, masks.time_masks, masks.time_width, features)
    hidden = freq[:, None, :] | time[:, :, None]
    fill = features.mean(dim=(1, 2), keepdim=True).expand_as(features)
    return torch.where(hidden, fill, features)


@dataclass(frozen=True)
class MelWarp:
    """Stretch each example's frequency axis by a factor drawn from ``1 +- max_factor``
    (``max_factor`` 0 = off). ``centres_hz`` are the mel bins' centre frequencies, ascending."""

    max_factor: float = 0.0
    centres_hz: tuple[float, ...] = ()

    @classmethod
    def for_bins(cls, max_factor: float, n_mels: int, fmin: float, fmax: float) -> MelWarp:
        """The warp for librosa's (Slaney) mel filterbank of ``n_mels`` bins over fmin..fmax Hz."""
        import librosa

        centres = librosa.mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax)[1:-1]
        return cls(max_factor, tuple(float(f) for f in centres))

    @property
    def active(self) -> bool:
        return self.max_factor > 0 and len(self.centres_hz) > 1


def warp_features(features: torch.Tensor, warp: MelWarp) -> torch.Tensor:
    """``features`` [B, T frames, M mels] with each example's spectrum stretched by its factor
    ``a``: bin m takes the log-mel value at ``centre_m / a`` (linear between bins, the edge bins
    held beyond the range), so ``a`` > 1 moves formants up as a shorter vocal tract does."""
    if not warp.active:
        return features
    batch, _, mels = features.shape
    centres = torch.tensor(warp.centres_hz, dtype=torch.float64)
    if len(centres) != mels:
        raise ValueError(f"the warp has {len(centres)} mel bins, the features {mels}")
    factors = 1 + warp.max_factor * (2 * torch.rand(batch, 1, dtype=torch.float64) - 1)
    source_hz = centres[None, :] / factors  # [B, M]
    # Fractional bin index of each source frequency: linear in Hz between neighbouring centres.
    upper = torch.searchsorted(centres, source_hz.contiguous()).clamp(1, mels - 1)
    low_hz, high_hz = centres[upper - 1], centres[upper]
    position = (upper - 1 + (source_hz - low_hz) / (high_hz - low_hz)).clamp(0, mels - 1)
    below = position.floor().long().clamp(max=mels - 2)
    share = (position - below).to(features.dtype).to(features.device)
    below = below.to(features.device)
    index = below[:, None, :].expand_as(features)
    low = torch.gather(features, 2, index)
    high = torch.gather(features, 2, index + 1)
    return low + share[:, None, :] * (high - low)
