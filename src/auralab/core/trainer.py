"""A family-agnostic training loop: AdamW, warmup + cosine, clipping, checkpoints, early stopping.

The family supplies the model, a ``loss_fn(model, batch) -> (loss, n_tokens)``, a batch iterator
that can start at any data position, and ``evaluate(model) -> validation loss``. The loop resumes
from ``checkpoint_path`` when it exists: model, optimizer, RNG states, step, data position,
early-stopping state and the metric history, so a killed run continues the same loss curve.
With ``ema_decay`` the loop keeps an exponential moving average of the weights (and of the
normalization statistics), and that average is what is evaluated, selected and returned.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import structlog
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from auralab.core.batches import DataPosition
from auralab.core.checkpoint import load_checkpoint, restore_rng, rng_state, save_checkpoint
from auralab.core.schedule import warmup_cosine

log = structlog.get_logger(__name__)

Batches = Callable[[DataPosition | None], Iterator[tuple[Any, DataPosition]]]


@dataclass(frozen=True)
class LoopConfig:
    """Optimisation and bookkeeping settings of :func:`train`."""

    max_steps: int
    lr: float = 1e-3
    min_lr_ratio: float = 0.1
    warmup_steps: int = 100
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0
    eval_every: int = 100
    checkpoint_every: int = 100
    patience: int = 5
    compile: bool = False
    gradient_checkpointing: bool = False
    seed: int = 0
    evaluate_initial: bool = False  # the starting weights compete for best (fine-tuning)
    ema_decay: float | None = None  # evaluate and keep an EMA of the weights (e.g. 0.99)


class Observer(Protocol):
    """Receives metrics as they happen (e.g. to log them to MLflow)."""

    def on_step(self, step: int, metrics: dict[str, float]) -> None: ...

    def on_eval(self, step: int, metrics: dict[str, float], model: nn.Module) -> None: ...


@dataclass
class TrainingResult:
    """What the loop did; ``best_state`` holds the weights with the lowest selection score (the
    validation loss unless ``evaluate`` returns a ``selection`` metric)."""

    steps: int
    best_val_loss: float  # at the best step
    best_score: float
    best_step: int
    stopped_early: bool
    history: dict[str, list[list[float]]] = field(default_factory=dict)  # name -> [[step, value]]
    best_state: dict[str, torch.Tensor] = field(default_factory=dict)
    data_wait_share: float = 0.0
    tokens_per_second: float = 0.0
    best_metrics: dict[str, float] = field(default_factory=dict)  # evaluate's, at the best step


class _State:
    """Mutable loop state, saved whole in every checkpoint."""

    def __init__(self) -> None:
        self.step = 0
        self.position: DataPosition | None = None
        self.best_val = float("inf")
        self.best_step = -1
        self.evals_since_best = 0
        self.history: dict[str, list[list[float]]] = {}
        self.best_state: dict[str, torch.Tensor] = {}
        self.best_metrics: dict[str, float] = {}

    def record(self, step: int, metrics: dict[str, float]) -> None:
        for name, value in metrics.items():
            self.history.setdefault(name, []).append([float(step), float(value)])


def _optimizer(model: nn.Module, config: LoopConfig) -> torch.optim.Optimizer:
    """AdamW with weight decay on matrices and embeddings only (not on norms or biases)."""
    decay = [p for p in model.parameters() if p.requires_grad and p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.requires_grad and p.dim() < 2]
    groups = [
        {"params": decay, "weight_decay": config.weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=config.lr, betas=config.betas)


def _autocast(device: torch.device) -> contextlib.AbstractContextManager[Any]:
    """bf16 autocast on CUDA; full precision elsewhere."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def train(
    model: nn.Module,
    loss_fn: Callable[[nn.Module, Any], tuple[torch.Tensor, int]],
    batches: Batches,
    evaluate: Callable[[nn.Module], float | dict[str, float]],
    config: LoopConfig,
    checkpoint_path: Path | None = None,
    observer: Observer | None = None,
    stop_after: int | None = None,
    fingerprint: str = "",
) -> TrainingResult:
    """Train until ``max_steps``, early stopping, or ``stop_after`` steps (to simulate a kill).

    ``evaluate`` returns the validation loss, or metrics with ``val_loss`` and optionally
    ``selection`` (lower is better), which then picks the best weights and drives early stopping.
    A checkpoint is resumed only when its ``fingerprint`` (of the data and parameters) matches.
    """
    device = next(model.parameters()).device
    torch.manual_seed(config.seed)
    if hasattr(model, "gradient_checkpointing"):
        setattr(model, "gradient_checkpointing", config.gradient_checkpointing)  # noqa: B010
    optimizer = _optimizer(model, config)
    state = _State()
    ema = _ema(model, config.ema_decay)
    if checkpoint_path is not None and checkpoint_path.exists():
        _resume(checkpoint_path, model, optimizer, state, fingerprint, ema)
    evaluated: nn.Module = ema.module if ema is not None else model
    step_fn: nn.Module = torch.compile(model) if config.compile else model  # type: ignore[assignment]
    wait = busy = 0.0
    tokens = 0
    iterator = batches(state.position)
    stopped_early = False
    if config.evaluate_initial and state.step == 0 and not state.history.get("val_loss"):
        _evaluate(evaluated, evaluate, state, config, observer)
    while state.step < config.max_steps and (stop_after is None or state.step < stop_after):
        began = time.perf_counter()
        batch, position = next(iterator)
        fetched = time.perf_counter()
        lr = warmup_cosine(
            state.step,
            config.warmup_steps,
            config.max_steps,
            config.lr,
            config.lr * config.min_lr_ratio,
        )
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        with _autocast(device):
            loss, n_tokens = loss_fn(step_fn, batch)
        loss.backward()
        grad_norm = float(torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip))
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if ema is not None:
            ema.update_parameters(model)
        done = time.perf_counter()
        wait, busy, tokens = wait + fetched - began, busy + done - fetched, tokens + n_tokens
        state.step, state.position = state.step + 1, position
        metrics = {
            "loss": float(loss.detach()),
            "lr": lr,
            "grad_norm": grad_norm,
            "tokens_per_s": n_tokens / max(done - began, 1e-9),
        }
        state.record(state.step, metrics)
        if observer:
            observer.on_step(state.step, metrics)
        if state.step % config.eval_every == 0 or state.step == config.max_steps:
            stopped_early = _evaluate(evaluated, evaluate, state, config, observer)
        if checkpoint_path is not None and (
            state.step % config.checkpoint_every == 0 or stopped_early
        ):
            _save(checkpoint_path, model, optimizer, state, fingerprint, ema)
        if stopped_early:
            log.info("early stop", step=state.step, best_step=state.best_step)
            break
    total = wait + busy
    return TrainingResult(
        steps=state.step,
        best_val_loss=state.best_metrics.get("val_loss", state.best_val),
        best_score=state.best_val,
        best_step=state.best_step,
        stopped_early=stopped_early,
        history=state.history,
        best_state=state.best_state
        or {k: v.detach().clone() for k, v in evaluated.state_dict().items()},
        data_wait_share=wait / total if total else 0.0,
        tokens_per_second=tokens / total if total else 0.0,
        best_metrics=state.best_metrics,
    )


def _evaluate(
    model: nn.Module,
    evaluate: Callable[[nn.Module], float | dict[str, float]],
    state: _State,
    config: LoopConfig,
    observer: Observer | None,
) -> bool:
    """Validation metrics, best-model bookkeeping; True when patience has run out."""
    model.eval()
    with torch.no_grad():
        result = evaluate(model)
    metrics = (
        {k: float(v) for k, v in result.items()}
        if isinstance(result, dict)
        else {"val_loss": float(result)}
    )
    score = metrics.get("selection", metrics["val_loss"])
    state.record(state.step, metrics)
    if observer:
        observer.on_eval(state.step, metrics, model)
    if score < state.best_val:
        state.best_val, state.best_step, state.evals_since_best = score, state.step, 0
        state.best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        state.best_metrics = metrics
        return False
    state.evals_since_best += 1
    return state.evals_since_best >= config.patience


def _ema(model: nn.Module, decay: float | None) -> AveragedModel | None:
    """An exponential moving average of ``model``'s parameters and buffers (None: off)."""
    if decay is None:
        return None
    return AveragedModel(model, multi_avg_fn=get_ema_multi_avg_fn(decay), use_buffers=True)


def _save(
    path: Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    state: _State,
    fingerprint: str,
    ema: AveragedModel | None = None,
) -> None:
    save_checkpoint(
        path,
        {
            "fingerprint": fingerprint,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "rng": rng_state(),
            "step": state.step,
            "position": list(state.position) if state.position else None,
            "best_val": state.best_val,
            "best_step": state.best_step,
            "evals_since_best": state.evals_since_best,
            "history": state.history,
            "best_state": state.best_state,
            "best_metrics": state.best_metrics,
            "ema": ema.state_dict() if ema is not None else None,
        },
    )


def _resume(
    path: Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    state: _State,
    fingerprint: str,
    ema: AveragedModel | None = None,
) -> None:
    saved = load_checkpoint(path, next(model.parameters()).device)
    if saved.get("fingerprint") != fingerprint:
        log.warning("checkpoint is from other data or parameters; starting afresh", path=str(path))
        return
    model.load_state_dict(saved["model"])
    optimizer.load_state_dict(saved["optimizer"])
    restore_rng(saved["rng"])
    state.step = int(saved["step"])
    position = saved["position"]
    state.position = (int(position[0]), int(position[1])) if position else None
    state.best_val, state.best_step = float(saved["best_val"]), int(saved["best_step"])
    state.evals_since_best = int(saved["evals_since_best"])
    state.history = saved["history"]
    state.best_state = saved["best_state"]
    state.best_metrics = dict(saved.get("best_metrics") or {})
    if ema is not None and saved.get("ema") is not None:
        ema.load_state_dict(saved["ema"])
    log.info("resumed from checkpoint", path=str(path), step=state.step)
