"""The training loop keeps the weights its ``selection`` metric likes best, not the lowest loss,
and a fine-tune keeps its starting weights when no epoch beats them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from torch import nn

from auralab.core.trainer import LoopConfig, train


def _batches(
    start: tuple[int, int] | None,
) -> Iterator[tuple[tuple[torch.Tensor, torch.Tensor], tuple[int, int]]]:
    step = start[1] + 1 if start else 0  # each batch depends on its step only, so resuming works
    while True:
        x = torch.randn(16, 1, generator=torch.Generator().manual_seed(step))
        yield (x, 3 * x), (0, step)
        step += 1


def _loss(model: nn.Module, batch: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, int]:
    x, y = batch
    return nn.functional.mse_loss(model(x), y), len(x)


def _model() -> nn.Linear:
    torch.manual_seed(0)
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.0)
        model.bias.fill_(0.0)
    return model


def test_the_selection_metric_picks_the_best_weights_and_the_loss_does_not() -> None:
    evaluations: list[float] = []

    def evaluate(model: nn.Module) -> dict[str, float]:
        weight = float(model.weight)
        evaluations.append(weight)
        # Loss falls as the weight approaches 3; the selection prefers the *first* evaluation.
        return {"val_loss": (weight - 3) ** 2, "selection": float(len(evaluations))}

    config = LoopConfig(max_steps=30, lr=0.05, warmup_steps=1, eval_every=10, patience=5)
    result = train(_model(), _loss, _batches, evaluate, config)
    assert result.best_step == 10  # the first evaluation, although later ones had lower loss
    assert result.best_score == 1.0
    assert result.best_metrics["val_loss"] == (evaluations[0] - 3) ** 2
    assert result.best_val_loss == result.best_metrics["val_loss"]
    assert [v for _, v in result.history["selection"]] == [1.0, 2.0, 3.0]
    assert float(result.best_state["weight"]) == evaluations[0]


def test_a_fine_tune_keeps_its_starting_weights_when_no_epoch_beats_them() -> None:
    def evaluate(model: nn.Module) -> dict[str, float]:
        # Any move away from the starting weight (0) is worse.
        return {"val_loss": 0.0, "selection": abs(float(model.weight))}

    config = LoopConfig(
        max_steps=20, lr=0.05, warmup_steps=1, eval_every=10, patience=5, evaluate_initial=True
    )
    result = train(_model(), _loss, _batches, evaluate, config)
    assert result.best_step == 0
    assert float(result.best_state["weight"]) == 0.0
    assert result.history["selection"][0] == [0.0, 0.0]


def test_a_plain_loss_still_selects_by_loss() -> None:
    def evaluate(model: nn.Module) -> float:
        return (float(model.weight) - 3) ** 2

    config = LoopConfig(max_steps=30, lr=0.05, warmup_steps=1, eval_every=10, patience=5)
    result = train(_model(), _loss, _batches, evaluate, config)
    losses = [v for _, v in result.history["val_loss"]]
    assert result.best_val_loss == result.best_score == min(losses)


def test_the_weight_average_is_what_is_evaluated_kept_and_resumed(tmp_path) -> None:
    def evaluate(model: nn.Module) -> float:
        return (float(model.weight) - 3) ** 2

    config = LoopConfig(
        max_steps=30, lr=0.05, warmup_steps=1, eval_every=10, checkpoint_every=5, ema_decay=0.9
    )
    raw = _model()
    whole = train(raw, _loss, _batches, evaluate, config)
    averaged = float(whole.best_state["weight"])
    assert 0.0 < averaged < float(raw.weight)  # the average lags the raw weights toward 3
    assert whole.best_val_loss == pytest.approx((averaged - 3) ** 2)

    checkpoint = tmp_path / "last.pt"
    train(_model(), _loss, _batches, evaluate, config, checkpoint, stop_after=17)  # "killed"
    resumed = train(_model(), _loss, _batches, evaluate, config, checkpoint)
    assert float(resumed.best_state["weight"]) == pytest.approx(averaged, abs=1e-6)
