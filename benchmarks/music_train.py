"""Benchmark: training throughput of the default music model and the share of step time spent
waiting for data (target under 10%), with the default DataLoader settings and without workers.

    python benchmarks/music_train.py --steps 20
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch

from auralab.datasets import TokenSequencesDataset
from auralab.music.params import AugmentParams, load_music_params
from auralab.music.tokenizer import Tokenizer
from auralab.music.training import Augmentation, fit
from auralab.music.vocabulary import Vocabulary

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "05_model_input" / "music"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(2)
    sequences = TokenSequencesDataset(str(DATA / "tokens")).load()
    tokenizer = Tokenizer(Vocabulary.from_dict(json.loads((DATA / "vocabulary.json").read_text())))
    plan = AugmentParams(**json.loads((DATA / "augmentation_plan.json").read_text())["operations"])
    configured = load_music_params(ROOT / "params.yaml").train  # the default profile
    for workers in (configured.num_workers, 0):
        params = configured.model_copy(
            update={
                "max_steps": args.steps,
                "eval_every": 10_000,
                "num_workers": workers,
                "checkpoint_every": 10_000,
                "n_samples": 0,
            }
        )
        result = fit(
            sequences, tokenizer.vocabulary.size, params, Augmentation(tokenizer, plan)
        ).result
        print(
            f"num_workers={workers}: {result.tokens_per_second:8.0f} training tokens/s, "
            f"data wait {100 * result.data_wait_share:5.1f}% of step time (target < 10%)"
        )


if __name__ == "__main__":
    main()
