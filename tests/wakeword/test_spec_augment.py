"""SpecAugment bands on log-mel batches."""

from __future__ import annotations

import torch

from auralab.wakeword.spec_augment import SpecMasks, mask_features


def test_no_masks_leave_the_features_alone():
    features = torch.randn(4, 150, 40)
    assert mask_features(features, SpecMasks()) is features


def test_frequency_bands_hide_whole_mel_bins_with_the_example_mean():
    torch.manual_seed(0)
    features = torch.randn(64, 150, 40) + torch.arange(64.0)[:, None, None]
    masked = mask_features(features, SpecMasks(freq_masks=2, freq_width=6))
    changed = masked != features
    # A frequency band covers every frame of its bins, and no more than 2 x 6 bins.
    per_bin = changed.any(dim=1)
    assert torch.equal(per_bin, changed.all(dim=1))
    assert int(per_bin.sum(dim=1).max()) <= 12
    assert int(per_bin.any(dim=1).sum()) > 40  # most examples got a band
    means = features.mean(dim=(1, 2))
    for b in range(64):
        if per_bin[b].any():
            assert torch.allclose(masked[b][changed[b]], means[b].expand(int(changed[b].sum())))
    # Examples draw their own bands.
    assert len({tuple(row.nonzero().flatten().tolist()) for row in per_bin}) > 10


def test_time_bands_hide_whole_frames():
    torch.manual_seed(1)
    features = torch.randn(32, 150, 40)
    masked = mask_features(features, SpecMasks(time_masks=1, time_width=10))
    changed = masked != features
    per_frame = changed.any(dim=2)
    assert torch.equal(per_frame, changed.all(dim=2))
    assert int(per_frame.sum(dim=1).max()) <= 10
