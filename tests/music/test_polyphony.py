from __future__ import annotations

from auralab.music.notes import make_notes
from auralab.music.polyphony import limit_polyphony, max_polyphony


def test_an_eight_note_chord_keeps_bass_and_melody_first():
    pitches = [36, 48, 55, 60, 64, 67, 72, 84]
    chord = make_notes([0] * 8, pitches, [4] * 8, [0] * 8, [12] * 8).sorted()
    reduced = limit_polyphony(chord, 4)
    kept = sorted(reduced.pitch.tolist())
    assert len(kept) == 4
    assert kept[0] == 36 and kept[-1] == 84


def test_held_notes_are_kept_before_new_ones_and_cut_when_needed():
    # Three held notes, then a three-note chord with a new top and bottom: limit 4.
    notes = make_notes(
        [0] * 6, [50, 60, 65, 40, 62, 90], [4] * 6, [0, 0, 0, 6, 6, 6], [24, 24, 24, 12, 12, 12]
    ).sorted()
    reduced = limit_polyphony(notes, 4)
    assert max_polyphony(reduced) <= 4
    at_six = {
        p for p, s, e in zip(reduced.pitch, reduced.start, reduced.end, strict=True) if s <= 6 < e
    }
    assert 40 in at_six and 90 in at_six


def test_files_within_the_limit_are_untouched():
    notes = make_notes([0, 0], [60, 64], [4, 4], [0, 0], [12, 12]).sorted()
    assert limit_polyphony(notes, 4) is notes
