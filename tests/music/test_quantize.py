from __future__ import annotations

import numpy as np

from auralab.music.notes import make_notes, resolve_overlaps
from auralab.music.params import QuantizeParams
from auralab.music.quantize import (
    bin_to_velocity,
    grid_positions,
    quantize,
    snap_to_grid,
    velocity_to_bin,
)


def test_sixteenths_and_triplets_share_one_tick_grid():
    params = QuantizeParams(grid_divisions=[4, 3])
    assert params.ticks_per_beat == 12
    assert grid_positions([4, 3], 12).tolist() == [0, 3, 4, 6, 8, 9, 12]


def test_snap_picks_the_nearest_sixteenth_or_triplet_position():
    grid = grid_positions([4, 3], 12)
    beats = np.array([0.0, 0.26, 0.34, 0.49, 0.70, 0.80, 0.97, 2.5])
    # 0.26 -> 3 (16th), 0.34 -> 4 (triplet), 0.49 -> 6, 0.70 -> 8, 0.80 -> 9, 0.97 -> next beat
    assert snap_to_grid(beats, grid, 12).tolist() == [0, 3, 4, 6, 8, 9, 12, 30]


def test_velocity_bins_cover_the_midi_range_and_invert_to_their_centre():
    bins = velocity_to_bin(np.array([1, 16, 17, 64, 127]), 8)
    assert bins.tolist() == [0, 0, 1, 3, 7]
    assert velocity_to_bin(bin_to_velocity(np.arange(8), 8), 8).tolist() == list(range(8))


def test_quantize_keeps_a_minimum_length_and_cuts_long_notes():
    params = QuantizeParams(grid_divisions=[4], max_note_beats=2)
    notes = quantize(
        start_beat=np.array([0.0, 1.0]),
        end_beat=np.array([0.01, 9.0]),
        pitch=np.array([60, 62]),
        program=np.array([0, 0]),
        is_drum=np.array([False, False]),
        velocity=np.array([90, 90]),
        params=params,
        n_velocity_bins=8,
    )
    assert notes.start.tolist() == [0, 4]
    assert notes.end.tolist() == [1, 12]  # one 16th minimum, two beats maximum


def test_unison_notes_on_one_program_become_monophonic():
    notes = make_notes(
        program=[0, 0, 0], pitch=[60, 60, 60], velocity=[1, 2, 3], start=[0, 0, 6], end=[12, 8, 18]
    )
    resolved = resolve_overlaps(notes)
    assert resolved.start.tolist() == [0, 6]
    assert resolved.end.tolist() == [6, 18]  # the longer duplicate kept, then cut at the re-attack
