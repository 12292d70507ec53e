"""Note-level augmentations, applied on the fly to quantized notes with a seeded generator.

Each operation fires with its probability and draws its amount from its range (``AugmentParams``).
Results are canonical notes again (sorted, monophonic per program and pitch, onsets >= 0), so they
always re-encode to a valid token sequence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from auralab.music.notes import DRUM_PROGRAM, QuantizedNotes, make_notes, resolve_overlaps
from auralab.music.params import AugmentParams
from auralab.music.quantize import bin_to_velocity, velocity_to_bin

GM_FAMILY_SIZE = 8


def _with(notes: QuantizedNotes, **changes: np.ndarray) -> QuantizedNotes:
    fields = {f: getattr(notes, f) for f in ("program", "pitch", "velocity", "start", "end")}
    return make_notes(**{**fields, **changes})


def transpose(notes: QuantizedNotes, rng: np.random.Generator, p: AugmentParams) -> float:
    """Semitones to shift pitched notes by, limited so every note stays in [min_pitch, max_pitch]."""
    pitched = notes.pitch[notes.program != DRUM_PROGRAM]
    if len(pitched) == 0:
        return 0.0
    low = max(int(np.ceil(p.transpose.low)), p.min_pitch - int(pitched.min()))
    high = min(int(np.floor(p.transpose.high)), p.max_pitch - int(pitched.max()))
    return float(rng.integers(low, high + 1)) if low <= high else 0.0


def augment_notes(
    notes: QuantizedNotes,
    rng: np.random.Generator,
    params: AugmentParams,
    ticks_per_beat: int,
    n_velocity_bins: int,
) -> tuple[QuantizedNotes, dict[str, Any]]:
    """Apply the plan to one piece; return the new notes and what was applied (name -> amount)."""
    applied: dict[str, Any] = {}
    pitch, program = notes.pitch.astype(np.int64), notes.program.astype(np.int64)
    start, end = notes.start.astype(np.float64), notes.end.astype(np.float64)
    velocity = notes.velocity
    pitched = program != DRUM_PROGRAM
    if rng.random() < params.transpose.probability:
        shift = transpose(notes, rng, params)
        pitch = np.where(pitched, pitch + int(shift), pitch)
        applied["transpose"] = shift
    if rng.random() < params.time_stretch.probability:
        factor = rng.uniform(params.time_stretch.low, params.time_stretch.high)
        start, end = start * factor, end * factor
        applied["time_stretch"] = factor
    if rng.random() < params.velocity_scale.probability:
        factor = rng.uniform(params.velocity_scale.low, params.velocity_scale.high)
        scaled = bin_to_velocity(velocity, n_velocity_bins) * factor
        velocity = velocity_to_bin(np.clip(np.round(scaled), 1, 127), n_velocity_bins)
        applied["velocity_scale"] = factor
    if rng.random() < params.instrument_substitution.probability:
        program = _substitute_programs(program, rng, params.instrument_substitution.scope)
        applied["instrument_substitution"] = 1.0
    if rng.random() < params.swing.probability:
        delay = rng.uniform(params.swing.low, params.swing.high) * ticks_per_beat
        off_beat = np.isclose(np.mod(start, ticks_per_beat), ticks_per_beat / 2)
        start = np.where(off_beat, start + delay, start)
        applied["swing"] = delay / ticks_per_beat
    if rng.random() < params.humanize.probability:
        spread = rng.uniform(params.humanize.low, params.humanize.high) * ticks_per_beat
        start = start + rng.uniform(-spread, spread, size=len(start))
        applied["humanize"] = spread / ticks_per_beat
    start_ticks = np.maximum(np.round(start), 0).astype(np.int64)
    end_ticks = np.maximum(np.round(end).astype(np.int64), start_ticks + 1)
    augmented = make_notes(program, pitch, velocity, start_ticks, end_ticks)
    return resolve_overlaps(augmented), applied


def _substitute_programs(program: np.ndarray, rng: np.random.Generator, scope: str) -> np.ndarray:
    """Map each pitched program to another one (same General MIDI family of 8, or any)."""
    result = program.copy()
    for original in np.unique(program[program != DRUM_PROGRAM]).tolist():
        if scope == "same_family":
            family = original // GM_FAMILY_SIZE
            replacement = family * GM_FAMILY_SIZE + int(rng.integers(GM_FAMILY_SIZE))
        else:
            replacement = int(rng.integers(DRUM_PROGRAM))
        result[program == original] = replacement
    return result
