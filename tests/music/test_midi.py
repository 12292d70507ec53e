from __future__ import annotations

import numpy as np
import pytest

from auralab.core.errors import MidiParseError
from auralab.music.midi import key_name, parse_midi


def test_parses_a_chorale_into_sorted_notes_with_tempo_metre_and_key(bach_midi):
    parsed = parse_midi(bach_midi["bach/bwv10.7.mid"])
    notes = parsed.notes
    assert parsed.n_notes > 150
    assert np.all(np.diff(notes["start_beat"]) >= 0)
    assert np.all(notes["end_s"] > notes["start_s"])
    assert notes["pitch"].min() >= 30 and notes["pitch"].max() <= 90
    assert parsed.key == "G minor"
    assert set(notes["ts_numerator"].tolist()) == {4}
    assert parsed.duration_s > 10


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (
            b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\x00\x00\x10\x00\x00",
            "corrupt or truncated MIDI",
        ),
        (b"RIFF....WAVEfmt ", "corrupt or truncated MIDI"),
    ],
)
def test_unusable_bytes_raise_with_a_quarantine_reason(data, reason):
    with pytest.raises(MidiParseError) as error:
        parse_midi(data)
    assert error.value.reason == reason


def test_truncated_real_file_is_rejected(bach_midi):
    data = bach_midi["bach/bwv1.6.mid"]
    with pytest.raises(MidiParseError, match="corrupt or truncated"):
        parse_midi(data[: len(data) // 3])


def test_too_few_notes_is_a_reason():
    from auralab.music.midi_export import notes_to_midi
    from auralab.music.notes import make_notes

    one = make_notes([0], [60], [3], [0], [12])
    with pytest.raises(MidiParseError, match="fewer than 8 notes"):
        parse_midi(notes_to_midi(one, 12, 8), min_notes=8)


def test_key_names():
    assert key_name(0, 0) == "C major"
    assert key_name(-2, 1) == "G minor"
    assert key_name(3, 0) == "A major"
    assert key_name(0, 251) is None
