"""Per-channel energy normalisation (PCEN) of a log-mel window, as a trainable layer.

PCEN (Wang et al. 2017, "Trainable frontend for robust and far-field keyword spotting") divides
each mel band's energy by a slow moving average of it (automatic gain control per band) and
compresses with a root instead of a log: stationary noise and loudness are normalised away, and
speech onsets stand out. Per band ``m`` and frame ``t``, with ``E`` the mel power:

    M[t] = smoothed E up to t;  PCEN[t] = (E[t] / (eps + M[t]) ** alpha + delta) ** r - delta ** r

The smoother restarts at each window's first frame, so a window's output depends on that window
alone: a streaming detector that holds the last window scores exactly what offline scoring does.
It is a normalised causal exponential average computed with cumulative sums (ONNX ``CumSum``),
not a recurrent loop. ``alpha``, ``delta`` and ``r`` are learned per band (in log space, so they
stay positive), starting from librosa's ``pcen`` defaults.

Written by hand: ``librosa.pcen`` and ``torchaudio`` have no trainable, window-local PCEN that
exports to ONNX.
"""

from __future__ import annotations

import math

import torch
from torch import nn

EPS = 1e-6


class WindowPcen(nn.Module):
    """``[B, T, M]`` natural-log mel power -> ``[B, T, M]`` PCEN, smoothed over
    ``time_constant_frames`` frames (the EMA's time constant, in feature frames)."""

    def __init__(
        self,
        n_mels: int,
        time_constant_frames: float = 40.0,
        alpha: float = 0.98,
        delta: float = 2.0,
        r: float = 0.5,
    ) -> None:
        super().__init__()
        self.log_alpha = nn.Parameter(torch.full((n_mels,), math.log(alpha)))
        self.log_delta = nn.Parameter(torch.full((n_mels,), math.log(delta)))
        self.log_r = nn.Parameter(torch.full((n_mels,), math.log(r)))
        self.rate = 1.0 / time_constant_frames

    def smoothed(self, energy: torch.Tensor) -> torch.Tensor:
        """Normalised causal EMA over time, ``[B, T, M] -> [B, T, M]``: frame t is
        ``sum_k w^(t-k) E[k] / sum_k w^(t-k)`` over k <= t, with ``w = exp(-rate)``. Computed as
        cumulative sums of ``E[k] / w^k``; ``1 / w^k`` is e^3.7 = 41 at the last frame of a
        150-frame window and a 40-frame time constant, well inside float32."""
        t = torch.arange(energy.shape[1], device=energy.device, dtype=energy.dtype)
        grow = torch.exp(t * self.rate).unsqueeze(-1)  # [T, 1]
        return torch.cumsum(energy * grow, dim=1) / torch.cumsum(grow, dim=0)

    def forward(self, log_mel: torch.Tensor) -> torch.Tensor:
        energy = torch.exp(log_mel)
        alpha, delta, r = self.log_alpha.exp(), self.log_delta.exp(), self.log_r.exp()
        gain = torch.exp(-alpha * torch.log(EPS + self.smoothed(energy)))
        return (energy * gain + delta).pow(r) - delta.pow(r)
