"""Run a judge as an HTTP service with ``mlflow models serve`` for as long as a block needs it.

The server runs in its own process group (it starts workers) and the whole group is stopped.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from auralab.core.errors import AuralabError


class ServiceError(AuralabError):
    """The judge service did not come up."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve_model(model_uri: str | Path, startup_seconds: float = 120.0) -> Iterator[str]:
    """``mlflow models serve -m <model_uri> --env-manager local`` on a free port; yields its URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "mlflow", "models", "serve", "-m", str(model_uri),
        "--env-manager", "local", "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            if process.poll() is not None:
                error = process.stderr.read().decode()[-2000:] if process.stderr else ""
                raise ServiceError(f"mlflow models serve exited: {error}")
            try:
                if requests.get(f"{url}/ping", timeout=1).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise ServiceError(f"judge service not up after {startup_seconds:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
