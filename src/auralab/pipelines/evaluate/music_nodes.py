"""Music evaluate node: held-out NLL and generated-vs-real comparison, with plots and a report."""

from __future__ import annotations

from typing import Any

import pandas as pd

from auralab.core.tracking import as_mlflow_metrics
from auralab.music.evaluation import compare_generated, jsb_benchmark, score_test_split
from auralab.music.metrics import PIECE_METRICS, TOKEN_METRICS
from auralab.music.midi_export import notes_to_midi
from auralab.music.params import EvaluateParams, PreprocessParams
from auralab.music.plots import metric_histograms_png, piano_roll_png
from auralab.music.report import evaluation_markdown
from auralab.music.sequences import TokenSequences
from auralab.music.tokenizer import Tokenizer
from auralab.music.training import model_from_payload
from auralab.music.vocabulary import Vocabulary


def evaluate_model(
    model: dict[str, Any],
    tokens: TokenSequences,
    note_table: pd.DataFrame,
    params: dict[str, Any],
    preprocess: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, bytes], dict[str, bytes], dict[str, Any]]:
    """Scores (JSON), generated MIDI + piano rolls, plots + markdown report, and MLflow metrics."""
    evaluate = EvaluateParams(**params)
    network = model_from_payload(model)
    tokenizer = Tokenizer(Vocabulary.from_dict(model["vocabulary"]))
    vocabulary = tokenizer.vocabulary
    scores = score_test_split(
        network, tokens, evaluate.score_stride, evaluate.ngram_smoothing, vocabulary.size
    )
    comparison = compare_generated(network, tokenizer, tokens, evaluate.generation)
    scores.update(comparison.scores())
    if evaluate.jsb.enabled:
        split = PreprocessParams(**preprocess).split
        scores.update(jsb_benchmark(note_table, split, evaluate.jsb.train, evaluate.score_stride))
    pieces: dict[str, bytes] = {}
    for i, sequence in enumerate(comparison.constrained.sequences):
        notes, signature = tokenizer.decode(sequence)
        pieces[f"generated_{i:02d}.mid"] = notes_to_midi(
            notes,
            vocabulary.ticks_per_beat,
            vocabulary.n_velocity_bins,
            signature,
            evaluate.generation.tempo_bpm,
        )
        if i < 4:
            pieces[f"generated_{i:02d}.png"] = piano_roll_png(notes, vocabulary.ticks_per_beat)
    report = {
        "report.md": evaluation_markdown(scores, comparison.distances).encode(),
        "metric_histograms.png": metric_histograms_png(
            comparison.pieces, [*PIECE_METRICS, *TOKEN_METRICS], "real vs generated"
        ),
        "pieces.csv": comparison.pieces.to_csv(index=False).encode(),
        "distances.csv": comparison.distances.to_csv(index=False).encode(),
    }
    summary = {"scores": scores, "distances": comparison.distances.to_dict(orient="records")}
    return summary, pieces, report, as_mlflow_metrics(scores)
