"""SpecAugment bands and vocal tract length warps on log-mel batches."""

from __future__ import annotations

import pytest
import torch

from auralab.wakeword.spec_augment import MelWarp, SpecMasks, mask_features, warp_features


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


def _peak_batch(batch: int, peak_bin: int) -> torch.Tensor:
    features = torch.zeros(batch, 20, 40)
    features[:, :, peak_bin] = 1.0
    return features


def test_no_warp_leaves_the_features_alone():
    features = torch.randn(4, 150, 40)
    assert warp_features(features, MelWarp.for_bins(0.0, 40, 60, 7600)) is features


def test_a_warp_moves_each_examples_formants_by_its_own_factor():
    warp = MelWarp.for_bins(0.2, 40, 60, 7600)
    centres = torch.tensor(warp.centres_hz)
    torch.manual_seed(0)
    warped = warp_features(_peak_batch(256, 20), warp)
    # The peak's energy is kept (linear interpolation between two bins) and shared by neighbours.
    assert torch.allclose(warped.sum(dim=2), torch.ones(256, 20), atol=1e-5)
    where = (warped[:, 0, :] * centres).sum(dim=1)  # the peak's frequency after the warp, Hz
    ratio = where / centres[20]
    assert float(ratio.min()) >= 0.8 - 0.02 and float(ratio.max()) <= 1.2 + 0.02
    assert float(ratio.min()) < 0.9 and float(ratio.max()) > 1.1  # both directions, widely
    assert len({round(float(r), 3) for r in ratio}) > 100  # each example its own factor
    # Time is untouched: every frame of an example is warped alike.
    assert torch.equal(warped, warped[:, :1, :].expand_as(warped))


def test_a_warp_holds_the_edge_bins_beyond_the_range():
    warp = MelWarp.for_bins(0.3, 40, 60, 7600)
    torch.manual_seed(1)
    features = torch.arange(40.0).expand(64, 5, 40).contiguous()
    warped = warp_features(features, warp)
    assert float(warped.min()) >= 0 and float(warped.max()) <= 39
    assert torch.all(warped[:, :, 1:] >= warped[:, :, :-1])  # still ascending: no folding


def test_a_warp_must_match_the_features_mel_bins():
    with pytest.raises(ValueError, match="40 mel bins, the features 32"):
        warp_features(torch.zeros(2, 10, 32), MelWarp.for_bins(0.1, 40, 60, 7600))
