"""Evaluation of a trained model: held-out NLL beside n-gram baselines, and generated pieces
compared with real ones (grammar validity, collapse, musical statistics)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from auralab.music import satb
from auralab.music.baselines import ngram_nll
from auralab.music.generation import Generated, generate, sampling_settings
from auralab.music.grammar import PROGRAM, VELOCITY, GrammarState
from auralab.music.metrics import distribution_distances, piece_metrics, token_metrics
from auralab.music.model import MusicTransformer
from auralab.music.params import GenerationParams, SplitParams, TrainParams
from auralab.music.sequences import TokenSequences
from auralab.music.tokenizer import Tokenizer
from auralab.music.training import fit, sum_nll


def score_test_split(
    model: MusicTransformer,
    sequences: TokenSequences,
    stride: int,
    smoothing: float,
    vocabulary_size: int,
) -> dict[str, float]:
    """NLL per token (nats) and perplexity on the test split, next to unigram/bigram baselines."""
    length = model.config.block_size
    total, count = sum_nll(model, sequences, sequences.rows_in("test"), length, min(stride, length))
    nll = total / max(count, 1)
    baselines = ngram_nll(sequences, vocabulary_size, smoothing)
    return {
        "test_nll": nll,
        "test_perplexity": math.exp(nll),
        "test_tokens": float(count),
        **{f"test_{k}": v for k, v in baselines.items() if k != "n_test_tokens"},
    }


def truncate_piece(tokens: np.ndarray, tokenizer: Tokenizer, length: int) -> np.ndarray:
    """The first ``length`` tokens of a piece, closed validly (notes released, EOS)."""
    state = GrammarState(tokenizer)
    kept: list[int] = []
    for token in tokens.tolist():
        if state.finished or (len(kept) >= length and state.last_kind not in (VELOCITY, PROGRAM)):
            break
        state.step(int(token))
        kept.append(int(token))
    if not state.finished:
        kept += state.closing_tokens()
    return np.asarray(kept, dtype=np.uint16)


def describe_pieces(pieces: list[np.ndarray], tokenizer: Tokenizer, kind: str) -> pd.DataFrame:
    """One row per (decodable) piece: musical statistics and repetition measures."""
    vocabulary = tokenizer.vocabulary
    rows = []
    for tokens in pieces:
        notes, signature = tokenizer.decode(tokens)
        rows.append(
            {
                "kind": kind,
                "n_notes": len(notes),
                **piece_metrics(
                    notes, vocabulary.ticks_per_beat, vocabulary.ticks_per_bar(signature)
                ),
                **token_metrics(tokens.tolist()),
            }
        )
    return pd.DataFrame(rows)


@dataclass
class GenerationComparison:
    """Generated pieces (with and without constraints) against real held-out pieces."""

    constrained: Generated
    unconstrained: Generated
    pieces: pd.DataFrame  # one row per real or generated piece
    distances: pd.DataFrame  # one row per metric

    def scores(self) -> dict[str, float]:
        real = self.pieces[self.pieces["kind"] == "real"]
        generated = self.pieces[self.pieces["kind"] == "generated"]
        return {
            "valid_rate_constrained": float(np.mean(self.constrained.valid)),
            "valid_rate_unconstrained": float(np.mean(self.unconstrained.valid)),
            "tokens_before_first_error_unconstrained": float(
                np.mean(
                    [
                        n if n is not None else len(s)
                        for n, s in zip(
                            self.unconstrained.first_error,
                            self.unconstrained.sequences,
                            strict=True,
                        )
                    ]
                )
            ),
            "longest_token_run_generated": float(generated["longest_token_run"].max()),
            "longest_token_run_real": float(real["longest_token_run"].max()),
            "distinct_4gram_ratio_generated": float(generated["distinct_4gram_ratio"].mean()),
            "distinct_4gram_ratio_real": float(real["distinct_4gram_ratio"].mean()),
            "mean_notes_generated": float(generated["n_notes"].mean()),
            "mean_wasserstein_in_real_std": float(self.distances["wasserstein_in_real_std"].mean()),
        }


def compare_generated(
    model: MusicTransformer,
    tokenizer: Tokenizer,
    sequences: TokenSequences,
    params: GenerationParams,
) -> GenerationComparison:
    """Sample pieces both ways; describe them and as many real test pieces, cut to equal length."""
    constrained = generate(model, tokenizer, sampling_settings(params, tokenizer, True))
    unconstrained = generate(model, tokenizer, sampling_settings(params, tokenizer, False))
    real = [
        truncate_piece(np.asarray(sequences[int(r)]), tokenizer, params.max_new_tokens)
        for r in sequences.rows_in("test")
    ]
    pieces = pd.concat(
        [
            describe_pieces(real, tokenizer, "real"),
            describe_pieces(constrained.sequences, tokenizer, "generated"),
        ],
        ignore_index=True,
    )
    metric_columns = [c for c in pieces.columns if c not in ("kind",)]
    distances = distribution_distances(
        pieces.loc[pieces["kind"] == "real", metric_columns],
        pieces.loc[pieces["kind"] == "generated", metric_columns],
    )
    return GenerationComparison(constrained, unconstrained, pieces, distances)


def jsb_benchmark(
    notes: pd.DataFrame, split: SplitParams, params: TrainParams, stride: int
) -> dict[str, float]:
    """Train the model family on SATB tokens and score the test chorales (nats per token)."""
    sequences = satb.satb_sequences(notes, split)
    trained = fit(sequences, satb.VOCABULARY_SIZE, params)
    total, count = sum_nll(trained.model, sequences, sequences.rows_in("test"), params.seq_len,
                           min(stride, params.seq_len))  # fmt: skip
    nll = total / max(count, 1)
    return {"jsb_test_nll": nll, "jsb_test_perplexity": math.exp(nll),
            "jsb_n_chorales": float(len(sequences)), "jsb_test_tokens": float(count),
            "jsb_train_steps": float(trained.result.steps)}  # fmt: skip
