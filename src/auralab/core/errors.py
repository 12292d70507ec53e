"""The auralab exception hierarchy.

Every error says what went wrong, where, and what to do. Catch ``AuralabError`` to handle all of them.
"""

from __future__ import annotations


class AuralabError(Exception):
    """Base class for every error auralab raises on purpose."""


class ConfigError(AuralabError):
    """A parameter or configuration value is missing or not allowed."""


class DataLoadError(AuralabError):
    """A file or dataset could not be read (missing, corrupt, empty, unsupported)."""


class MidiParseError(DataLoadError):
    """A MIDI file could not be turned into notes; ``reason`` is the short quarantine reason."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"{reason}: {detail}" if detail else reason)


class DataValidationError(AuralabError):
    """A dataset failed its expectation suite; the message lists every failed expectation."""


class TokenizationError(AuralabError):
    """A token sequence breaks the grammar and cannot be decoded."""


class TeacherError(ConfigError):
    """A distillation teacher is missing, unreadable, or does not match the student's inputs."""
