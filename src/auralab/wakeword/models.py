"""The two detectors: a tiny streaming sentry and a larger judge, both log-mel window -> one logit.

Shapes: B batch, T frames (the window, ``FeatureSpec.window_frames``), M mel bins, C channels.
Input is ``[B, T, M]`` natural-log mel power; output ``[B]`` logits of the wake-word class.

The sentry is a TC-ResNet-style stack of depthwise-separable 1-D convolutions over time (mel bins
as channels): about 100k parameters and a few MFLOPs per window, so it can score every 80 ms hop
on one core. The judge, run only when the sentry fires, is a 2-D CNN over the time-frequency image
by default, or a wider and deeper separable stack (``architecture: separable1d``).
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

from auralab.wakeword.pcen import WindowPcen

ModelKind = Literal["sentry", "judge"]
Architecture = Literal["separable1d", "conv2d"]
FrontEnd = Literal["log_mel", "pcen"]
CLASSES = ("negative", "wakeword")
DEFAULT_ARCHITECTURE: dict[str, Architecture] = {"sentry": "separable1d", "judge": "conv2d"}


@dataclass(frozen=True)
class DetectorConfig:
    """A detector: ``channels`` per 1-D block (``separable1d``, the sentry's default) or per 2-D
    stage (``conv2d``, the judge's default); ``architecture`` None = the kind's default."""

    kind: ModelKind
    n_mels: int
    channels: tuple[int, ...] = field(default=(64, 64, 96, 96, 96, 96))
    kernel_size: int = 5
    dropout: float = 0.1
    architecture: Architecture | None = None
    window_mean_norm: bool = False  # subtract each mel bin's mean over the window first
    front_end: FrontEnd = "log_mel"  # pcen: trainable per-channel energy normalisation first

    @property
    def resolved_architecture(self) -> Architecture:
        return self.architecture or DEFAULT_ARCHITECTURE[self.kind]

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        values["channels"] = list(self.channels)
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> DetectorConfig:
        return cls(**{**values, "channels": tuple(values["channels"])})


class InputFrontEnd(nn.Module):
    """What a detector makes of its ``[B, T, M]`` log-mel window before its first layer, the same
    shape out. ``window_mean_norm`` removes each mel bin's mean over the window: a fixed spectral
    colouring (a voice's timbre, a microphone, an EQ) is a constant per bin in log-mel.
    ``front_end: pcen`` then applies window-local PCEN (``auralab.wakeword.pcen``). Both depend
    on the window alone, so offline and streaming scores stay equal."""

    def __init__(self, config: DetectorConfig) -> None:
        super().__init__()
        self.mean_norm = config.window_mean_norm
        self.pcen = WindowPcen(config.n_mels) if config.front_end == "pcen" else None

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        if self.mean_norm:
            features = features - features.mean(dim=1, keepdim=True)
        return self.pcen(features) if self.pcen is not None else features


class SeparableBlock(nn.Module):
    """Depthwise conv over time, pointwise mix, BN, ReLU, residual: [B, C_in, T] -> [B, C_out, T]."""

    def __init__(self, c_in: int, c_out: int, kernel: int, dilation: int, dropout: float) -> None:
        super().__init__()
        pad = dilation * (kernel - 1) // 2
        self.depthwise = nn.Conv1d(c_in, c_in, kernel, padding=pad, dilation=dilation, groups=c_in)
        self.pointwise = nn.Conv1d(c_in, c_out, 1, bias=False)
        self.norm = nn.BatchNorm1d(c_out)
        self.drop = nn.Dropout(dropout)
        self.skip = nn.Identity() if c_in == c_out else nn.Conv1d(c_in, c_out, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.norm(self.pointwise(self.depthwise(x)))
        return torch.relu(self.drop(y) + self.skip(x))


class SeparableStack(nn.Module):
    """1-D separable conv stack with growing dilation, mean+max pooled over time (the sentry)."""

    def __init__(self, config: DetectorConfig) -> None:
        super().__init__()
        self.config = config
        self.gradient_checkpointing = False
        first = config.channels[0]
        self.front_end = InputFrontEnd(config)
        self.input_norm = nn.BatchNorm1d(config.n_mels)
        self.stem = nn.Sequential(
            nn.Conv1d(config.n_mels, first, 5, stride=2, padding=2, bias=False),
            nn.BatchNorm1d(first),
            nn.ReLU(),
        )
        widths = list(config.channels)
        self.blocks = nn.ModuleList(
            SeparableBlock(c_in, c_out, config.kernel_size, 2 ** (i % 4), config.dropout)
            for i, (c_in, c_out) in enumerate(zip(widths, widths[1:] + widths[-1:], strict=True))
        )
        self.head = nn.Linear(2 * widths[-1], 1)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        features = self.front_end(features)
        x = self.stem(self.input_norm(features.transpose(1, 2)))
        for block in self.blocks:
            if self.gradient_checkpointing and self.training:
                x = checkpoint(block, x, use_reentrant=False)
            else:
                x = block(x)
        pooled = torch.cat([x.mean(dim=2), x.amax(dim=2)], dim=1)
        return self.head(pooled).squeeze(1)


class ConvStage(nn.Module):
    """Two 3x3 convs (the first strided 2 in both axes), BN, ReLU: [B, C_in, T, M] -> [B, C_out,
    T/2, M/2]."""

    def __init__(self, c_in: int, c_out: int, dropout: float) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(c_in, c_out, 3, stride=2, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(),
            nn.Conv2d(c_out, c_out, 3, padding=1, bias=False),
            nn.BatchNorm2d(c_out),
            nn.ReLU(),
            nn.Dropout2d(dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)


class Conv2dStack(nn.Module):
    """2-D CNN over the log-mel image, mean+max pooled, two-layer head."""

    def __init__(self, config: DetectorConfig) -> None:
        super().__init__()
        self.config = config
        self.gradient_checkpointing = False
        self.front_end = InputFrontEnd(config)
        self.input_norm = nn.BatchNorm2d(1)
        widths = [1, *config.channels]
        self.stages = nn.ModuleList(
            ConvStage(c_in, c_out, config.dropout) for c_in, c_out in itertools.pairwise(widths)
        )
        last = widths[-1]
        self.head = nn.Sequential(
            nn.Linear(2 * last, last), nn.ReLU(), nn.Dropout(config.dropout), nn.Linear(last, 1)
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        features = self.front_end(features)
        x = self.input_norm(features.unsqueeze(1))
        for stage in self.stages:
            if self.gradient_checkpointing and self.training:
                x = checkpoint(stage, x, use_reentrant=False)
            else:
                x = stage(x)
        pooled = torch.cat([x.mean(dim=(2, 3)), x.amax(dim=(2, 3))], dim=1)
        return self.head(pooled).squeeze(1)


def build_detector(config: DetectorConfig) -> nn.Module:
    """A fresh sentry or judge."""
    if config.resolved_architecture == "separable1d":
        return SeparableStack(config)
    return Conv2dStack(config)


def n_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
