"""``auralab`` command line: generate MIDI from a trained or registered music model.

auralab generate --out generated/ --n 4 --tokens 512 --seed 1
auralab generate --registered auralab-music --prompt my_tune.mid --temperature 0.9 --top-p 0.95
auralab generate --no-constraints          # the model alone, to measure it
auralab detect recording.wav --judge       # wake-phrase detections with timestamps
auralab evaluate-detector data/06_models/wakeword/sentry.pt other_run/sentry.pt
auralab train-detector sentry --seed 1 --out seed1.pt   # the run's first sentry, another seed
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from auralab.wakeword.params import WakewordParams

DEFAULT_MODEL = Path("data/06_models/music/model.pt")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="auralab", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write generated pieces as MIDI files")
    source = gen.add_mutually_exclusive_group()
    source.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="a trained model.pt")
    source.add_argument(
        "--registered",
        metavar="NAME[/VERSION]",
        help="a model from the MLflow registry, e.g. auralab-music or auralab-music/3",
    )
    gen.add_argument("--out", type=Path, default=Path("generated"), help="output folder")
    gen.add_argument("--n", type=int, default=4, help="pieces, sampled as one batch")
    gen.add_argument("--tokens", type=int, default=512, help="new tokens per piece")
    gen.add_argument("--temperature", type=float, default=1.0)
    gen.add_argument("--top-k", type=int, default=None)
    gen.add_argument("--top-p", type=float, default=0.95)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--prompt", type=Path, help="a MIDI file to continue")
    gen.add_argument("--tempo", type=float, default=90.0, help="beats per minute in the files")
    gen.add_argument(
        "--no-constraints",
        action="store_true",
        help="sample without the grammar mask (pieces may not decode)",
    )
    det = commands.add_parser("detect", help="find the wake phrase in an audio file")
    det.add_argument("audio", type=Path, help="a WAV (or FLAC, OGG, ...) file, any sample rate")
    det.add_argument(
        "--registered",
        action="store_true",
        help="use auralab-wakeword-sentry/-judge from the MLflow registry (default: local export)",
    )
    det.add_argument("--judge", action="store_true", help="confirm each detection with the judge")
    det.add_argument("--threshold", type=float, help="sentry threshold (default: 0.5 FA/h point)")
    det.add_argument("--exported", type=Path, default=Path("data/06_models/wakeword/exported"))
    det.add_argument("--data-root", type=Path, default=Path("data"))
    ev = commands.add_parser(
        "evaluate-detector",
        help="FRR at fixed FA/h and the loudest false accepts of saved wake-word detectors",
    )
    ev.add_argument("checkpoints", type=Path, nargs="+", help="detector .pt files")
    ev.add_argument("--data-root", type=Path, default=Path("data"), help="a run's data folder")
    ev.add_argument(
        "--fa-per-hour",
        type=float,
        nargs="+",
        help="target rates (default: evaluate.target_fa_per_hour in params.yaml)",
    )
    ev.add_argument("--loudest", type=int, default=10, help="false accepts to list per detector")
    ev.add_argument(
        "--ensemble",
        action="store_true",
        help="also score the mean of the checkpoints' probabilities, as one detector",
    )
    ev.add_argument("--params", type=Path, default=Path("params.yaml"))
    tr = commands.add_parser(
        "train-detector",
        help="train a sentry or judge again on a run's data (another seed, teachers, hard negatives)",
    )
    tr.add_argument("kind", choices=["sentry", "judge"])
    tr.add_argument("--out", type=Path, required=True, help="where to write the checkpoint")
    tr.add_argument("--seed", type=int, help="train.seed (default: params.yaml's)")
    tr.add_argument(
        "--teacher",
        type=Path,
        action="append",
        help="a teacher checkpoint, repeatable (default for a sentry: the teachers in the params,"
        " `judge` being the run's judge_unmined.pt, as for the pipeline's first sentry; a judge:"
        " none)",
    )
    tr.add_argument("--no-teacher", action="store_true", help="train on labels alone")
    tr.add_argument(
        "--hard-negatives", action="store_true", help="add the run's mined hard negatives"
    )
    tr.add_argument("--data-root", type=Path, default=Path("data"), help="a run's data folder")
    tr.add_argument("--params", type=Path, default=Path("params.yaml"))
    tr.add_argument(
        "--env",
        help="a Kedro environment whose parameters override params.yaml, as `kedro run --env`",
    )
    return parser


def detect_command(args: argparse.Namespace) -> int:
    from auralab.wakeword.detect import detect_file, local_detector, registered_detector

    if args.registered:
        import mlflow

        mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
        sentry = registered_detector("auralab-wakeword-sentry", args.threshold)
        judge = registered_detector("auralab-wakeword-judge") if args.judge else None
    else:
        spec = args.data_root / "05_model_input/wakeword/feature_spec.json"
        report = args.data_root / "08_reporting/wakeword/evaluation.json"
        sentry = local_detector(
            args.exported / "sentry.onnx", spec, report, "sentry", args.threshold
        )
        judge = (
            local_detector(args.exported / "judge.onnx", spec, report, "judge", None)
            if args.judge
            else None
        )
    detections = detect_file(args.audio, sentry, judge)
    print(f"{args.audio}: {len(detections)} detection(s) (sentry threshold {sentry.threshold:.3f})")
    for d in detections:
        judged = f"  judge {d.judge_score:.3f}" if d.judge_score is not None else ""
        print(f"  {d.time_seconds:8.2f} s  score {d.score:.3f}{judged}")
    return 0


def evaluate_detector_command(args: argparse.Namespace) -> int:
    from auralab.core.checkpoint import load_checkpoint
    from auralab.wakeword.detector import ensemble_payload
    from auralab.wakeword.detector_evaluation import evaluate_payloads, read_evaluation_set
    from auralab.wakeword.params import load_wakeword_params

    params = load_wakeword_params(args.params).evaluate
    updates: dict[str, object] = {"loudest_false_accepts": args.loudest}
    if args.fa_per_hour:
        updates["target_fa_per_hour"] = args.fa_per_hour
    params = params.model_copy(update=updates)
    data = read_evaluation_set(args.data_root)
    payloads = {str(path): load_checkpoint(path) for path in args.checkpoints}
    if args.ensemble:
        payloads[f"ensemble of {len(payloads)}"] = ensemble_payload(list(payloads.values()))
    for name, evaluation in evaluate_payloads(payloads, data, params).items():
        print(f"{name}: {evaluation.scored.negatives.hours:.2f} h of negatives")
        for row in evaluation.operating_points:
            print(
                f"  {row['target_fa_per_hour']:>5g} FA/h: FRR {row['frr']:6.1%}"
                f" ({row['frr_low']:.1%} to {row['frr_high']:.1%}),"
                f" threshold {row['threshold']:.3f}, {row['fa_per_hour']:g} FA/h"
            )
        for event in evaluation.loudest_false_accepts.to_dict("records"):
            said = f' "{event["text"]}"' if event["text"] else ""
            print(
                f"  {event['score']:.3f}  {event['recording']} {event['end_s']:8.2f} s"
                f"  {event['kind']} {event['detail']}{said}, {event['seconds_into']:.2f} s in"
            )
    return 0


def kedro_wakeword_params(env: str, conf_source: Path = Path("conf")) -> WakewordParams:
    """The ``wakeword`` parameters Kedro's config loader gives a run in ``env`` (params.yaml with
    that environment's keys merged over it)."""
    from kedro.config import OmegaConfigLoader

    from auralab.core.params import validate_params
    from auralab.settings import CONFIG_LOADER_ARGS
    from auralab.wakeword.params import WakewordParams

    loader = OmegaConfigLoader(str(conf_source), env=env, **CONFIG_LOADER_ARGS)  # type: ignore[arg-type]
    return validate_params(WakewordParams, loader["parameters"]["wakeword"], "wakeword")


def train_detector_command(args: argparse.Namespace) -> int:
    import time

    from auralab.core.checkpoint import save_checkpoint
    from auralab.wakeword.detector_training import train_on_run_data
    from auralab.wakeword.params import load_wakeword_params

    params = kedro_wakeword_params(args.env) if args.env else load_wakeword_params(args.params)
    if args.seed is not None:
        params = params.model_copy(
            update={"train": params.train.model_copy(update={"seed": args.seed})}
        )
    teachers = [] if args.no_teacher else args.teacher  # None: the params' teachers
    started = time.perf_counter()
    payload = train_on_run_data(args.kind, params, args.data_root, teachers, args.hard_negatives)
    save_checkpoint(args.out, payload)
    trained = payload["trained"]
    print(
        f"{args.out}: {args.kind}, seed {trained['seed']}, {trained['steps']} steps in"
        f" {time.perf_counter() - started:.0f} s, validation loss {trained['best_val_loss']:.4f},"
        f" teachers {trained['teachers'] or 'none'}"
    )
    return 0


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """(model, tokenizer, preprocess params) from a file or the registry."""
    from auralab.core.checkpoint import load_checkpoint
    from auralab.music.params import PreprocessParams
    from auralab.music.tokenizer import Tokenizer
    from auralab.music.training import model_from_payload
    from auralab.music.vocabulary import Vocabulary

    if args.registered:
        import mlflow

        mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
        name, _, version = args.registered.partition("/")
        loaded = mlflow.pyfunc.load_model(f"models:/{name}/{version or 'latest'}")
        generator = loaded.unwrap_python_model()
        return generator.model, generator.tokenizer, generator.preprocess
    payload = load_checkpoint(args.model)
    tokenizer = Tokenizer(Vocabulary.from_dict(payload["vocabulary"]))
    return model_from_payload(payload), tokenizer, PreprocessParams(**payload["preprocess"])


def generate_command(args: argparse.Namespace) -> int:
    from auralab.music.generate import generate_midi
    from auralab.music.params import GenerationParams

    model, tokenizer, preprocess = _load(args)
    params = GenerationParams(
        n_pieces=args.n,
        max_new_tokens=args.tokens,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
        tempo_bpm=args.tempo,
    )
    prompt = args.prompt.read_bytes() if args.prompt else None
    pieces = generate_midi(model, tokenizer, params, prompt, not args.no_constraints, preprocess)
    args.out.mkdir(parents=True, exist_ok=True)
    for index, piece in enumerate(pieces):
        if piece.valid:
            path = args.out / f"piece_{args.seed}_{index:02d}.mid"
            path.write_bytes(piece.midi)
            print(f"{path}  ({piece.n_tokens} tokens)")
        else:
            print(f"piece {index}: invalid token sequence ({piece.n_tokens} tokens), not written")
    valid = sum(p.valid for p in pieces)
    print(f"{valid}/{len(pieces)} pieces valid")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "generate":
        return generate_command(args)
    if args.command == "detect":
        return detect_command(args)
    if args.command == "evaluate-detector":
        return evaluate_detector_command(args)
    if args.command == "train-detector":
        return train_detector_command(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())
