"""Typed parameters: one validation point that turns pydantic errors into a readable ConfigError.

Each family defines its parameter tree as pydantic models (``auralab.music.params``); the Kedro hook
validates ``params.yaml`` against every family before a node runs.
"""

from __future__ import annotations

from typing import Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from auralab.core.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


class StrictModel(BaseModel):
    """Base for parameter models: unknown keys are errors, values are immutable after validation."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class FloatRange(StrictModel):
    """A search range ``[low, high]``, optionally searched on a log scale."""

    low: float
    high: float
    log: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.low > self.high or (self.log and self.low <= 0):
            raise ValueError(f"need 0 < low <= high for log ranges, low <= high otherwise: {self}")
        return self


def _allowed_for(model: type[BaseModel], loc: tuple[int | str, ...]) -> str:
    """The keys allowed at the parent of ``loc`` (used to explain an unknown key)."""
    current: Any = model
    for part in loc[:-1]:
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return ""
        current = field.annotation
    fields = getattr(current, "model_fields", None)
    return ", ".join(sorted(fields)) if fields else ""


def format_validation_error(prefix: str, model: type[BaseModel], error: ValidationError) -> str:
    """One line per problem: ``key = value: what is allowed``."""
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"])
        key = ".".join([prefix, *map(str, loc)]) if prefix else ".".join(map(str, loc))
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = f"unknown key; allowed keys here: {_allowed_for(model, loc)}"
        lines.append(f"  {key} = {item.get('input')!r}: {message}")
    return f"invalid parameters under '{prefix}' (params.yaml or --params):\n" + "\n".join(lines)


def validate_params(model: type[M], values: Any, prefix: str) -> M:
    """Validate ``values`` against ``model``; raise ConfigError naming each bad key and value."""
    if values is None:
        raise ConfigError(f"missing parameter section '{prefix}' in params.yaml")
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise ConfigError(format_validation_error(prefix, model, error)) from None
