"""Count-based baselines for next-token NLL: unigram and bigram with additive smoothing.

Fitted on the training split, scored on the same tokens the model is scored on (every token after
BOS), so the numbers sit beside the model's NLL per token.
"""

from __future__ import annotations

import numpy as np

from auralab.music.sequences import TokenSequences


def _pairs(sequences: TokenSequences, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(previous, next) token ids of every scored position in ``rows``."""
    previous, following = [], []
    for row in rows.tolist():
        tokens = np.asarray(sequences[row], dtype=np.int64)
        previous.append(tokens[:-1])
        following.append(tokens[1:])
    return np.concatenate(previous), np.concatenate(following)


def ngram_nll(
    sequences: TokenSequences, vocabulary_size: int, alpha: float = 0.1
) -> dict[str, float]:
    """Unigram and bigram NLL per token (nats) on the test split, fitted on train."""
    train_prev, train_next = _pairs(sequences, sequences.rows_in("train"))
    test_prev, test_next = _pairs(sequences, sequences.rows_in("test"))
    unigram = np.bincount(train_next, minlength=vocabulary_size) + alpha
    unigram_logp = np.log(unigram / unigram.sum())
    bigram = np.full((vocabulary_size, vocabulary_size), alpha)
    np.add.at(bigram, (train_prev, train_next), 1.0)
    bigram_logp = np.log(bigram / bigram.sum(axis=1, keepdims=True))
    return {
        "unigram_nll": float(-unigram_logp[test_next].mean()),
        "bigram_nll": float(-bigram_logp[test_prev, test_next].mean()),
        "n_test_tokens": float(len(test_next)),
    }
