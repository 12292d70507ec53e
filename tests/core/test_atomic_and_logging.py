from __future__ import annotations

import json
import logging

import pytest
import structlog

from auralab.core.atomic import atomic_directory, write_bytes_atomic
from auralab.core.logging import configure_logging


def test_atomic_write_replaces_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "a" / "file.bin"
    write_bytes_atomic(target, b"one")
    write_bytes_atomic(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.bin"]


def test_a_failed_directory_write_keeps_the_previous_version(tmp_path):
    target = tmp_path / "tokens"
    with atomic_directory(target) as staging:
        (staging / "x").write_text("v1")
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        (staging / "x").write_text("half")
        raise RuntimeError("killed mid-write")
    assert (target / "x").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens"]


def test_logs_are_json_lines_with_secrets_redacted(tmp_path):
    log_file = configure_logging(tmp_path)
    structlog.get_logger("auralab.test").info("connected", api_token="s3cr3t", rows=3)
    for handler in logging.getLogger("auralab").handlers:
        handler.flush()
    record = json.loads(log_file.read_text().strip().splitlines()[-1])
    assert record["event"] == "connected" and record["rows"] == 3
    assert record["api_token"] == "***"
    assert "s3cr3t" not in log_file.read_text()
