"""The evaluation report as markdown: what a person reads first in MLflow."""

from __future__ import annotations

from typing import Any

import pandas as pd

PUBLISHED_JSB_NLL = {"Music Transformer": 0.335, "Coconet": 0.436}  # nats per token


def _table(frame: pd.DataFrame) -> str:
    header = "| " + " | ".join(frame.columns) + " |"
    rule = "| " + " | ".join("---" for _ in frame.columns) + " |"
    rows = [
        "| " + " | ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row) + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *rows])


def evaluation_markdown(scores: dict[str, Any], distances: pd.DataFrame) -> str:
    """Held-out NLL beside baselines, validity, collapse and musical-statistic distances."""
    nll = pd.DataFrame(
        [
            {
                "model": "auralab transformer",
                "NLL (nats/token)": scores["test_nll"],
                "perplexity": scores["test_perplexity"],
            },
            {
                "model": "bigram (train counts)",
                "NLL (nats/token)": scores["test_bigram_nll"],
                "perplexity": float("nan"),
            },
            {
                "model": "unigram (train counts)",
                "NLL (nats/token)": scores["test_unigram_nll"],
                "perplexity": float("nan"),
            },
        ]
    )
    generation = pd.DataFrame(
        [
            {"measure": k, "value": v}
            for k, v in scores.items()
            if k.startswith(("valid_", "tokens_before", "longest_", "distinct_", "mean_"))
        ]
    )
    jsb_rows = [
        {"model": f"{name} (published, JSB dataset)", "NLL (nats/token)": value}
        for name, value in PUBLISHED_JSB_NLL.items()
    ]
    if "jsb_test_nll" in scores:
        ours = {
            "model": "auralab transformer (music21 Bach)",
            "NLL (nats/token)": scores["jsb_test_nll"],
        }
        jsb_rows.insert(0, ours)
    sections = [
        "# Music model evaluation",
        "## Held-out test split (event tokens)",
        _table(nll),
        "## JSB-chorale framing (SATB on a 16th-note grid, one token per voice per step)",
        _table(pd.DataFrame(jsb_rows)),
        "Our chorales are music21's Bach set and theirs the JSB dataset: the comparison is indicative.",
        "## Generated pieces",
        _table(generation),
        "## Musical statistics, generated vs real (Wasserstein-1, and in real standard deviations)",
        _table(distances.round(4)),
    ]
    return "\n\n".join(sections) + "\n"
