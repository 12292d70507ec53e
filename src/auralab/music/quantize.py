"""Quantization to a beat grid and velocity binning.

The grid is the union of several subdivisions of the quarter note, e.g. (4, 3) allows 16th-note
and 8th-triplet positions; times become integer ticks at lcm(divisions) ticks per beat.
"""

from __future__ import annotations

import numpy as np

from auralab.music.notes import DRUM_PROGRAM, QuantizedNotes, make_notes, resolve_overlaps
from auralab.music.params import QuantizeParams


def grid_positions(divisions: list[int], ticks_per_beat: int) -> np.ndarray:
    """Allowed tick offsets within one beat, sorted, including ``ticks_per_beat`` itself."""
    positions = {0, ticks_per_beat}
    for division in divisions:
        positions.update(range(0, ticks_per_beat, ticks_per_beat // division))
    return np.array(sorted(positions), dtype=np.int64)


def snap_to_grid(beats: np.ndarray, grid: np.ndarray, ticks_per_beat: int) -> np.ndarray:
    """Round times in beats (float, shape (n,)) to the nearest grid position, in ticks (int64)."""
    whole = np.floor(beats)
    ticks = (beats - whole) * ticks_per_beat
    upper = np.clip(np.searchsorted(grid, ticks), 1, len(grid) - 1)
    lower = upper - 1
    nearest = np.where(ticks - grid[lower] <= grid[upper] - ticks, grid[lower], grid[upper])
    return whole.astype(np.int64) * ticks_per_beat + nearest


def velocity_to_bin(velocity: np.ndarray, n_bins: int) -> np.ndarray:
    """MIDI velocity 1..127 -> bin index 0..n_bins-1 (uniform bins)."""
    clipped = np.clip(velocity, 1, 127).astype(np.int64)
    return ((clipped - 1) * n_bins // 127).astype(np.int16)


def bin_to_velocity(bins: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin index -> the MIDI velocity at the bin's centre."""
    return np.clip(np.round(1 + (np.asarray(bins) + 0.5) * 127 / n_bins), 1, 127).astype(np.int16)


def quantize(
    start_beat: np.ndarray,
    end_beat: np.ndarray,
    pitch: np.ndarray,
    program: np.ndarray,
    is_drum: np.ndarray,
    velocity: np.ndarray,
    params: QuantizeParams,
    n_velocity_bins: int,
) -> QuantizedNotes:
    """Snap one file's notes to the grid, bin velocities and make each pitch monophonic.

    Notes keep at least the finest grid step; notes longer than ``max_note_beats`` are cut.
    """
    tpb = params.ticks_per_beat
    grid = grid_positions(list(params.grid_divisions), tpb)
    start = snap_to_grid(start_beat, grid, tpb)
    end = snap_to_grid(end_beat, grid, tpb)
    min_step = tpb // max(params.grid_divisions)
    max_len = round(params.max_note_beats * tpb)
    end = np.clip(end, start + min_step, start + max_len)
    programs = np.where(is_drum, DRUM_PROGRAM, program)
    bins = velocity_to_bin(velocity, n_velocity_bins)
    return resolve_overlaps(make_notes(programs, pitch, bins, start, end))
