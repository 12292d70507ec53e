"""Event tokenization: quantized notes <-> token ids, exact in both directions.

A sequence reads ``BOS TIMESIG_n/d BAR (BAR | TIME_SHIFT | PROGRAM | VELOCITY | NOTE_ON | NOTE_OFF)* EOS``.
``PROGRAM`` and ``VELOCITY`` set state that applies to later notes; ``BAR`` moves time to the next
bar line; ``TIME_SHIFT_k`` moves it k ticks and never crosses a bar line. At one instant note-offs
come before note-ons, each ordered by program then pitch, so every note set has one encoding.
"""

from __future__ import annotations

import numpy as np

from auralab.core.errors import TokenizationError
from auralab.music.notes import QuantizedNotes, make_notes
from auralab.music.vocabulary import Vocabulary

TOKEN_DTYPE = np.uint16
PAD, BOS, EOS, BAR = 0, 1, 2, 3


class Tokenizer:
    """Encode and decode one piece with a fixed :class:`Vocabulary`."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        off = vocabulary.offsets
        self._timesig, self._program, self._velocity = (
            off["TIMESIG"],
            off["PROGRAM"],
            off["VELOCITY"],
        )
        self._on, self._off, self._shift = off["NOTE_ON"], off["NOTE_OFF"], off["TIME_SHIFT"]

    def time_signature_token(self, signature: str) -> int:
        """Token for ``signature``, or for the default when it is not in the vocabulary."""
        signatures = self.vocabulary.time_signatures
        known = signature if signature in signatures else self.vocabulary.default_time_signature
        return self._timesig + signatures.index(known)

    def encode(self, notes: QuantizedNotes, time_signature: str) -> np.ndarray:
        """Tokens for ``notes`` (canonical: sorted, monophonic per program and pitch), shape (n,)."""
        vocab = self.vocabulary
        ts_token = self.time_signature_token(time_signature)
        bar_ticks = vocab.ticks_per_bar(vocab.time_signatures[ts_token - self._timesig])
        n = len(notes)
        times = np.concatenate([notes.end, notes.start])
        is_on = np.concatenate([np.zeros(n, np.int8), np.ones(n, np.int8)])
        programs = np.concatenate([notes.program, notes.program])
        pitches = np.concatenate([notes.pitch, notes.pitch])
        velocities = np.concatenate([notes.velocity, notes.velocity])
        order = np.lexsort((pitches, programs, is_on, times))
        tokens = [BOS, ts_token]
        if vocab.bar_tokens:
            tokens.append(BAR)
        now, next_bar, program, velocity = 0, bar_ticks, -1, -1
        max_shift, use_bars = vocab.max_shift_ticks, vocab.bar_tokens
        for t, on, p, pitch, v in zip(
            times[order].tolist(),
            is_on[order].tolist(),
            programs[order].tolist(),
            pitches[order].tolist(),
            velocities[order].tolist(),
            strict=True,
        ):
            while use_bars and t >= next_bar:
                tokens.append(BAR)
                now, next_bar = next_bar, next_bar + bar_ticks
            while t > now:
                step = min(t - now, max_shift)
                tokens.append(self._shift + step - 1)
                now += step
            if p != program:
                tokens.append(self._program + p)
                program = p
            if on:
                if v != velocity:
                    tokens.append(self._velocity + v)
                    velocity = v
                tokens.append(self._on + pitch)
            else:
                tokens.append(self._off + pitch)
        tokens.append(EOS)
        return np.asarray(tokens, dtype=TOKEN_DTYPE)

    def decode(self, tokens: np.ndarray) -> tuple[QuantizedNotes, str]:
        """Notes and time signature of a complete sequence; TokenizationError if it breaks grammar."""
        state = GrammarState(self)
        for position, token in enumerate(np.asarray(tokens).tolist()):
            state.step(int(token), position)
        if not state.finished:
            raise TokenizationError("sequence ends without EOS")
        return state.notes(), state.time_signature


class GrammarState:
    """The decoder's state machine: feed tokens one by one; an invalid one raises."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
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
        self.position = 0
        self._token = 0
        self._size = tokenizer.vocabulary.size

    def _fail(self, why: str) -> TokenizationError:
        name = self.tokenizer.vocabulary.names[self._token] if self._token < self._size else "?"
        return TokenizationError(f"token {self.position} ({name}): {why}")

    def step(self, token: int, position: int) -> None:
        """Apply one token at ``position``."""
        self.position, self._token = position, token
        tk = self.tokenizer
        if self.finished:
            raise self._fail("token after EOS")
        if not 0 <= token < self._size:
            raise self._fail(f"id outside the vocabulary (size {self._size})")
        if position == 0 or token == BOS:
            if not (position == 0 and token == BOS):
                raise self._fail("BOS must come first, and only first")
            return
        if position == 1 or tk._timesig <= token < tk._program:
            self._time_signature(token)
        elif token == BAR:
            self._bar()
        elif token == EOS:
            if self.sounding:
                raise self._fail(f"{len(self.sounding)} notes still sounding at EOS")
            self.finished = True
        elif token == PAD:
            raise self._fail("PAD inside a sequence")
        elif token < tk._velocity:
            self.program = token - tk._program
        elif token < tk._on:
            self.velocity = token - tk._velocity
        elif token < tk._off:
            self._note_on(token - tk._on)
        elif token < tk._shift:
            self._note_off(token - tk._off)
        else:
            self._time_shift(token - tk._shift + 1)

    def _time_signature(self, token: int) -> None:
        tk = self.tokenizer
        if self.position != 1 or not tk._timesig <= token < tk._program:
            raise self._fail("the time signature must come right after BOS")
        self.time_signature = tk.vocabulary.time_signatures[token - tk._timesig]
        self.bar_ticks = tk.vocabulary.ticks_per_bar(self.time_signature)

    def _bar(self) -> None:
        if not self.tokenizer.vocabulary.bar_tokens:
            raise self._fail("BAR tokens are off in this vocabulary")
        self.bar += 1
        self.now = self.bar * self.bar_ticks

    def _time_shift(self, ticks: int) -> None:
        target = self.now + ticks
        if self.tokenizer.vocabulary.bar_tokens and (
            self.bar < 0 or target >= (self.bar + 1) * self.bar_ticks
        ):
            raise self._fail("time shift crosses a bar line (or comes before the first BAR)")
        self.now = target

    def _note_on(self, pitch: int) -> None:
        if self.program < 0 or self.velocity < 0:
            raise self._fail("NOTE_ON before any PROGRAM and VELOCITY")
        if (self.program, pitch) in self.sounding:
            raise self._fail("NOTE_ON for a pitch already sounding on this program")
        self.sounding[(self.program, pitch)] = (self.now, self.velocity)

    def _note_off(self, pitch: int) -> None:
        start = self.sounding.get((self.program, pitch))
        if start is None:
            raise self._fail("NOTE_OFF for a pitch that is not sounding on this program")
        if start[0] >= self.now:
            raise self._fail("NOTE_OFF at the note's own onset (zero length)")
        del self.sounding[(self.program, pitch)]
        self.done.append((self.program, pitch, start[1], start[0], self.now))

    def notes(self) -> QuantizedNotes:
        """Every completed note, sorted canonically."""
        if not self.done:
            empty = np.zeros(0, dtype=np.int64)
            return make_notes(empty, empty, empty, empty, empty)
        program, pitch, velocity, start, end = (np.array(c) for c in zip(*self.done, strict=True))
        return make_notes(program, pitch, velocity, start, end).sorted()
