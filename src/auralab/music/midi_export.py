"""Quantized notes -> standard MIDI file bytes (480 PPQN, tempo, time signature, programs)."""

from __future__ import annotations

import numpy as np
import symusic

from auralab.music.notes import DRUM_PROGRAM, QuantizedNotes
from auralab.music.quantize import bin_to_velocity

EXPORT_PPQN = 480


def notes_to_midi(
    notes: QuantizedNotes,
    ticks_per_beat: int,
    n_velocity_bins: int,
    time_signature: str = "4/4",
    tempo_bpm: float = 100.0,
) -> bytes:
    """One track per program (drums on a drum track); times rescaled to 480 ticks per quarter."""
    score = symusic.Score(EXPORT_PPQN)
    numerator, denominator = (int(x) for x in time_signature.split("/"))
    score.time_signatures.append(symusic.TimeSignature(0, numerator, denominator))
    score.tempos.append(symusic.Tempo(0, tempo_bpm))
    scale = EXPORT_PPQN // ticks_per_beat if EXPORT_PPQN % ticks_per_beat == 0 else None
    velocities = bin_to_velocity(notes.velocity, n_velocity_bins)
    for program in np.unique(notes.program).tolist():
        mask = notes.program == program
        is_drum = program == DRUM_PROGRAM
        track = symusic.Track(
            name=f"program {program}", program=0 if is_drum else program, is_drum=is_drum
        )
        for s, e, p, v in zip(
            notes.start[mask].tolist(),
            notes.end[mask].tolist(),
            notes.pitch[mask].tolist(),
            velocities[mask].tolist(),
            strict=True,
        ):
            start = s * scale if scale else round(s * EXPORT_PPQN / ticks_per_beat)
            stop = e * scale if scale else round(e * EXPORT_PPQN / ticks_per_beat)
            track.notes.append(symusic.Note(start, stop - start, p, v))
        score.tracks.append(track)
    return bytes(score.dumps_midi())
