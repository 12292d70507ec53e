"""SpecAugment-style masking of log-mel batches (Park et al., 2019): frequency and time bands.

Masked frequency bands make the detector lean on the whole spectral shape of the phrase rather
than on the formants of the voices it trained on; time bands on its whole duration. Applied to the
student's input only (a teacher sees the unmasked window), after the waveform augmentation, and
also when features are precomputed.

Written by hand: torchaudio (which has ``FrequencyMasking``/``TimeMasking``) is not a dependency,
its wheels pin a CUDA build of torch; the masks are a few tensor operations.
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
