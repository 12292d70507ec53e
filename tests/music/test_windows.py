from __future__ import annotations

import numpy as np
import pandas as pd

from auralab.music.dataset import AugmentedSequences
from auralab.music.params import AugmentParams
from auralab.music.sequences import TokenSequences
from auralab.music.tokenizer import BOS, PAD
from auralab.music.windows import TrainingWindows, scoring_windows


def sequences(lengths):
    arrays = [np.concatenate([[BOS], np.arange(10, 10 + n - 1)]).astype(np.uint16) for n in lengths]
    index = pd.DataFrame({"source": [f"s{i}" for i in range(len(lengths))], "split": "train"})
    return TokenSequences.from_arrays(arrays, index)


def test_a_share_of_windows_starts_at_the_beginning_of_the_piece():
    items = AugmentedSequences(sequences([400] * 50), "train", None, AugmentParams(), augment=False)
    windows = TrainingWindows(items, 64, seed=0, start_probability=0.3)
    firsts = [windows[(epoch, i)][0] for epoch in range(4) for i in range(50)]
    share = np.mean([f == BOS for f in firsts])
    assert 0.2 < share < 0.4  # uniform crops alone would start at BOS about 1 time in 337


def test_short_pieces_are_padded():
    items = AugmentedSequences(sequences([20]), "train", None, AugmentParams(), augment=False)
    window = TrainingWindows(items, 64, seed=0)[(0, 0)]
    assert len(window) == 65 and window[0] == BOS and (window[20:] == PAD).all()


def test_scoring_windows_score_every_token_once():
    seqs = sequences([300])
    windows = list(scoring_windows(seqs, np.array([0]), length=64, stride=32))
    scored = sum(int((w[1, 1:] != PAD).sum()) for w in windows)
    assert scored == 300 - 1  # every token after BOS, exactly once
