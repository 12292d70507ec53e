"""The token grammar as a state machine: validate a sequence, or say which tokens may come next.

``step`` applies one token and raises :class:`TokenizationError` on an invalid one (the decoder).
``allowed`` returns the mask of valid next tokens (constrained generation): sampling only from it
makes every generated sequence decode, by construction. Rules, beyond the framing
``BOS TIMESIG BAR ... EOS``:

- ``PROGRAM`` is followed by a note event or ``VELOCITY``; ``VELOCITY`` by a ``NOTE_ON``;
- ``NOTE_ON`` needs a program and velocity and a pitch not already sounding on that program;
- ``NOTE_OFF`` needs a sounding pitch that started before now (no zero-length notes);
- ``TIME_SHIFT`` never crosses a bar line; ``EOS`` only when nothing sounds.

:class:`Constraints` add musical limits for generation only: a longest note (time cannot move past
a sounding note's deadline), a polyphony limit, and a minimum number of notes before ``EOS``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auralab.core.errors import TokenizationError
from auralab.music.notes import QuantizedNotes, make_notes
from auralab.music.tokenizer import BAR, BOS, EOS, PAD, Tokenizer

# Token kinds, indexed by ``kind_of[token]``.
SPECIAL, TIMESIG, PROGRAM, VELOCITY, NOTE_ON, NOTE_OFF, SHIFT = range(7)
_NO_LIMIT = 1 << 62


@dataclass(frozen=True)
class Constraints:
    """Generation-only limits; None disables one."""

    max_note_ticks: int | None = None
    max_polyphony: int | None = None
    min_notes: int = 1


class TokenTable:
    """Per-token kind and value arrays for one tokenizer (shared by every state)."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        vocab = tokenizer.vocabulary
        size = vocab.size
        self.size = size
        self.kind = np.zeros(size, dtype=np.int8)
        self.value = np.zeros(size, dtype=np.int64)
        bounds = [
            (TIMESIG, tokenizer.timesig, tokenizer.program, 0),
            (PROGRAM, tokenizer.program, tokenizer.velocity, 0),
            (VELOCITY, tokenizer.velocity, tokenizer.note_on, 0),
            (NOTE_ON, tokenizer.note_on, tokenizer.note_off, 0),
            (NOTE_OFF, tokenizer.note_off, tokenizer.shift, 0),
            (SHIFT, tokenizer.shift, size, 1),
        ]
        self.start: dict[int, int] = {}
        self.stop: dict[int, int] = {}
        for kind, first, stop, base in bounds:
            self.kind[first:stop] = kind
            self.value[first:stop] = np.arange(stop - first) + base
            self.start[kind], self.stop[kind] = first, stop
        self.bar_ticks = [vocab.ticks_per_bar(ts) for ts in vocab.time_signatures]
        self.bar_tokens = vocab.bar_tokens


class GrammarState:
    """Feed tokens with :meth:`step`; ask :meth:`allowed` for the valid next ones."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        constraints: Constraints | None = None,
        table: TokenTable | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.table = table or TokenTable(tokenizer)
        self.constraints = constraints or Constraints()
        self.position = 0
        self.last_kind = -1
        self.last_token = -1
        self.time_signature = ""
        self.bar_ticks = 0
        self.now = 0
        self.bar = -1
        self.program = -1
        self.velocity = -1
        self.finished = False
        self.sounding: dict[
            tuple[int, int], tuple[int, int]
        ] = {}  # (program, pitch) -> (start, vel)
        self.done: list[tuple[int, int, int, int, int]] = []

    # --- validation -----------------------------------------------------------------------------
    def _fail(self, token: int, why: str) -> TokenizationError:
        names = self.tokenizer.vocabulary.names
        name = names[token] if 0 <= token < len(names) else str(token)
        return TokenizationError(f"token {self.position} ({name}): {why}")

    def step(self, token: int) -> None:
        """Apply one token; raise TokenizationError if the grammar does not allow it here."""
        why = self._violation(token)
        if why:
            raise self._fail(token, why)
        self._apply(token)
        self.position += 1
        self.last_token = token

    def _violation(self, token: int) -> str:
        t = self.table
        if self.finished:
            return "token after EOS"
        if not 0 <= token < t.size:
            return f"id outside the vocabulary (size {t.size})"
        kind = int(t.kind[token])
        if self.position == 0:
            return "" if token == BOS else "BOS must come first"
        if self.position == 1:
            return "" if kind == TIMESIG else "the time signature must come right after BOS"
        if token in (BOS, PAD) or kind == TIMESIG:
            return "BOS, PAD and TIMESIG only belong at the start"
        if self.position == 2 and t.bar_tokens and token != BAR:
            return "the first bar must open with BAR"
        if self.last_kind == VELOCITY and kind != NOTE_ON:
            return "VELOCITY must be followed by NOTE_ON"
        if self.last_kind == PROGRAM and kind not in (NOTE_ON, NOTE_OFF, VELOCITY):
            return "PROGRAM must be followed by a note event or VELOCITY"
        value = int(t.value[token])
        if token == BAR:
            return "" if t.bar_tokens else "BAR tokens are off in this vocabulary"
        if token == EOS:
            return f"{len(self.sounding)} notes still sounding at EOS" if self.sounding else ""
        if kind == SHIFT:
            if t.bar_tokens and self.now + value >= (self.bar + 1) * self.bar_ticks:
                return "time shift crosses a bar line"
            return ""
        if kind == NOTE_ON:
            if self.program < 0 or self.velocity < 0:
                return "NOTE_ON before any PROGRAM and VELOCITY"
            if (self.program, value) in self.sounding:
                return "NOTE_ON for a pitch already sounding on this program"
            return ""
        if kind == NOTE_OFF:
            start = self.sounding.get((self.program, value))
            if start is None:
                return "NOTE_OFF for a pitch that is not sounding on this program"
            if start[0] >= self.now:
                return "NOTE_OFF at the note's own onset (zero length)"
        return ""

    def _apply(self, token: int) -> None:
        t = self.table
        kind, value = int(t.kind[token]), int(t.value[token])
        self.last_kind = kind
        if kind == TIMESIG:
            self.time_signature = self.tokenizer.vocabulary.time_signatures[value]
            self.bar_ticks = t.bar_ticks[value]
        elif token == BAR:
            self.bar += 1
            self.now = self.bar * self.bar_ticks
        elif token == EOS:
            self.finished = True
        elif kind == SHIFT:
            self.now += value
        elif kind == PROGRAM:
            self.program = value
        elif kind == VELOCITY:
            self.velocity = value
        elif kind == NOTE_ON:
            self.sounding[(self.program, value)] = (self.now, self.velocity)
        elif kind == NOTE_OFF:
            start, velocity = self.sounding.pop((self.program, value))
            self.done.append((self.program, value, velocity, start, self.now))

    def notes(self) -> QuantizedNotes:
        """Every completed note, sorted canonically."""
        if not self.done:
            empty = np.zeros(0, dtype=np.int64)
            return make_notes(empty, empty, empty, empty, empty)
        program, pitch, velocity, start, end = (np.array(c) for c in zip(*self.done, strict=True))
        return make_notes(program, pitch, velocity, start, end).sorted()

    # --- constraints ----------------------------------------------------------------------------
    def _deadline(self) -> int:
        """Latest time every sounding note allows (their start + the longest note)."""
        limit = self.constraints.max_note_ticks
        if limit is None or not self.sounding:
            return _NO_LIMIT
        return min(start for start, _ in self.sounding.values()) + limit

    def allowed(self) -> np.ndarray:
        """Boolean mask (vocabulary size,) of tokens that keep the sequence valid."""
        t, c = self.table, self.constraints
        mask = np.zeros(t.size, dtype=bool)
        if self.finished:
            return mask
        if self.position == 0:
            mask[BOS] = True
            return mask
        if self.position == 1:
            mask[t.start[TIMESIG] : t.stop[TIMESIG]] = True
            return mask
        if self.position == 2 and t.bar_tokens:
            mask[BAR] = True
            return mask
        room = c.max_polyphony is None or len(self.sounding) < c.max_polyphony
        can_start = room and self.program >= 0
        on_program = [p for (prog, p) in self.sounding if prog == self.program]
        if can_start and self.velocity >= 0:
            mask[t.start[NOTE_ON] : t.stop[NOTE_ON]] = True
            for pitch in on_program:
                mask[t.start[NOTE_ON] + pitch] = False
        if self.last_kind == VELOCITY:
            return mask
        for pitch in on_program:
            if self.sounding[(self.program, pitch)][0] < self.now:
                mask[t.start[NOTE_OFF] + pitch] = True
        if can_start:
            mask[t.start[VELOCITY] : t.stop[VELOCITY]] = True
            if self.velocity >= 0:
                mask[t.start[VELOCITY] + self.velocity] = False  # same velocity: redundant
        if self.last_kind == PROGRAM:
            return mask
        if room:
            mask[t.start[PROGRAM] : t.stop[PROGRAM]] = True
        else:  # a full voice limit: only switch to a program that has a note to release
            for program, _ in self._releasable():
                mask[t.start[PROGRAM] + program] = True
        if self.program >= 0:
            mask[t.start[PROGRAM] + self.program] = False  # same program: redundant
        deadline = self._deadline()
        horizon = deadline - self.now
        if t.bar_tokens:
            bar_end = (self.bar + 1) * self.bar_ticks
            horizon = min(horizon, bar_end - 1 - self.now)
            mask[BAR] = bar_end <= deadline
        longest = min(horizon, t.stop[SHIFT] - t.start[SHIFT])
        if longest > 0:
            mask[t.start[SHIFT] : t.start[SHIFT] + longest] = True
        mask[EOS] = not self.sounding and len(self.done) >= c.min_notes
        return mask

    def _releasable(self) -> list[tuple[int, int]]:
        """(program, pitch) of sounding notes that started before now."""
        return [key for key, (start, _) in self.sounding.items() if start < self.now]

    def closing_tokens(self) -> list[int]:
        """Tokens that end the piece validly from here: move time if needed, release, EOS."""
        t = self.table
        tokens: list[int] = []
        if self.last_kind in (VELOCITY, PROGRAM):
            raise TokenizationError("cannot close right after VELOCITY or PROGRAM; sample on first")
        latest_start = max((s for s, _ in self.sounding.values()), default=-1)
        if self.sounding and latest_start >= self.now:
            if t.bar_tokens and self.now + 1 >= (self.bar + 1) * self.bar_ticks:
                tokens.append(BAR)
            else:
                tokens.append(t.start[SHIFT])  # one tick
        by_program: dict[int, list[int]] = {}
        for program, pitch in sorted(self.sounding, key=lambda k: (k[0] != self.program, k)):
            by_program.setdefault(program, []).append(pitch)
        for program, pitches in by_program.items():
            if program != self.program:
                tokens.append(t.start[PROGRAM] + program)
            tokens += [t.start[NOTE_OFF] + pitch for pitch in pitches]
        return [*tokens, EOS]
