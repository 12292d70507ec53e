"""Music preprocess nodes: quantize, reduce polyphony, tokenize, split."""

from __future__ import annotations

from typing import Any

import pandas as pd

from auralab.core.tracking import as_mlflow_metrics
from auralab.music.params import PreprocessParams
from auralab.music.preprocess import token_statistics, tokenize_notes
from auralab.music.sequences import TokenSequences


def tokenize(
    notes: pd.DataFrame, params: dict[str, Any]
) -> tuple[TokenSequences, dict[str, Any], dict[str, Any]]:
    """Note table -> token sequences, the vocabulary (JSON) and token count metrics."""
    sequences, vocabulary = tokenize_notes(notes, PreprocessParams(**params))
    stats = {**token_statistics(sequences), "vocabulary_size": vocabulary.size}
    return sequences, vocabulary.to_dict(), as_mlflow_metrics(stats)
