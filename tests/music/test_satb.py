from __future__ import annotations

import numpy as np
import pandas as pd

from auralab.music import satb
from auralab.music.params import SplitParams


def chorale(voices: int) -> pd.DataFrame:
    """Voice v sings pitch 60 + 4v for one beat, then rests half a beat, then one more 16th."""
    rows = []
    for v in range(voices):
        rows.append({"source": "x.mid", "track": v, "pitch": 60 + 4 * v, "start_beat": 0.0,
                     "end_beat": 1.0})  # fmt: skip
        rows.append({"source": "x.mid", "track": v, "pitch": 61 + 4 * v, "start_beat": 1.5,
                     "end_beat": 1.75})  # fmt: skip
    return pd.DataFrame(rows)


def test_a_four_voice_chorale_becomes_interleaved_16th_tokens():
    roll = satb.pianoroll(chorale(4))
    assert roll.shape == (4, 7)  # 1.75 beats at 4 steps per beat
    assert roll[0].tolist() == [60, 60, 60, 60, -1, -1, 61]
    tokens = satb.encode(roll)
    assert tokens[0] == satb.BOS and tokens[-1] == satb.EOS
    assert len(tokens) == 2 + 4 * 7
    first_step = tokens[1:5] - satb.PITCH_OFFSET
    assert first_step.tolist() == [60, 64, 68, 72]  # S A T B at step 0
    assert tokens[1 + 4 * 4] == satb.REST
    assert np.array_equal(satb.decode(tokens), roll)


def test_pieces_with_fewer_than_four_voices_are_left_out():
    notes = pd.concat([chorale(4), chorale(3).assign(source="y.mid")])
    sequences = satb.satb_sequences(notes, SplitParams())
    assert sequences.index["source"].tolist() == ["x.mid"]
    assert int(sequences.tokens.max()) < satb.VOCABULARY_SIZE
