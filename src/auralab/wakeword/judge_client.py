"""The cascade's client for a judge served over HTTP (the MLflow scoring protocol:
``POST /invocations`` with ``{"inputs": windows}`` -> ``{"predictions": [...]}``).

Each call has a timeout and a number of retries with backoff; when the judge cannot be reached,
the policy decides: ``accept`` keeps the sentry's trigger (fail open), ``reject`` drops it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import requests
import structlog

from auralab.wakeword.pooling import Pooling, pool

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    score: float | None  # None when the judge could not be reached
    reachable: bool
    attempts: int
    seconds: float  # wall time of the call, retries included


class JudgeClient:
    def __init__(
        self,
        url: str,
        threshold: float,
        timeout_seconds: float = 2.0,
        retries: int = 2,
        backoff_seconds: float = 0.05,
        on_unreachable: Literal["accept", "reject"] = "accept",
        pooling: Pooling = "max",
    ) -> None:
        self.endpoint = url.rstrip("/") + "/invocations"
        self.threshold, self.timeout, self.retries = threshold, timeout_seconds, retries
        self.backoff, self.on_unreachable = backoff_seconds, on_unreachable
        self.pooling = pooling
        self.session = requests.Session()

    def score(self, windows: np.ndarray) -> tuple[float | None, int]:
        """The judge's probability over ``[frames, n_mels]`` or ``[k, frames, n_mels]`` windows,
        pooled by ``pooling`` (mean or highest), in one request (None if unreachable)."""
        batch = np.asarray(windows, dtype=np.float32)
        body = {"inputs": (batch[None] if batch.ndim == 2 else batch).tolist()}
        for attempt in range(1, self.retries + 2):
            try:
                response = self.session.post(self.endpoint, json=body, timeout=self.timeout)
                response.raise_for_status()
                return pool(response.json()["predictions"], self.pooling), attempt
            except (requests.RequestException, KeyError, ValueError) as error:
                log.warning("judge call failed", attempt=attempt, error=str(error)[:200])
                if attempt <= self.retries:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
        return None, self.retries + 1

    def judge(self, windows: np.ndarray) -> Verdict:
        began = time.perf_counter()
        score, attempts = self.score(windows)
        seconds = time.perf_counter() - began
        if score is None:
            return Verdict(self.on_unreachable == "accept", None, False, attempts, seconds)
        return Verdict(score >= self.threshold, score, True, attempts, seconds)
