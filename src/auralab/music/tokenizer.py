"""Event tokenization: quantized notes <-> token ids, exact in both directions.

A sequence reads ``BOS TIMESIG_n/d BAR (BAR | TIME_SHIFT | PROGRAM | VELOCITY | NOTE_ON | NOTE_OFF)* EOS``.
``PROGRAM`` and ``VELOCITY`` set state that applies to later notes; ``BAR`` moves time to the next
bar line; ``TIME_SHIFT_k`` moves it k ticks and never crosses a bar line. At one instant note-offs
come before note-ons, each ordered by program then pitch, so every note set has one encoding.
"""

from __future__ import annotations

import numpy as np

from auralab.core.errors import TokenizationError
from auralab.music.notes import QuantizedNotes
from auralab.music.vocabulary import Vocabulary

TOKEN_DTYPE = np.uint16
PAD, BOS, EOS, BAR = 0, 1, 2, 3


class Tokenizer:
    """Encode and decode one piece with a fixed :class:`Vocabulary`."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        off = vocabulary.offsets
        self.timesig, self.program, self.velocity = (
            off["TIMESIG"],
            off["PROGRAM"],
            off["VELOCITY"],
        )
        self.note_on, self.note_off, self.shift = off["NOTE_ON"], off["NOTE_OFF"], off["TIME_SHIFT"]

    def time_signature_token(self, signature: str) -> int:
        """Token for ``signature``, or for the default when it is not in the vocabulary."""
        signatures = self.vocabulary.time_signatures
        known = signature if signature in signatures else self.vocabulary.default_time_signature
        return self.timesig + signatures.index(known)

    def encode(self, notes: QuantizedNotes, time_signature: str) -> np.ndarray:
        """Tokens for ``notes`` (canonical: sorted, monophonic per program and pitch), shape (n,)."""
        vocab = self.vocabulary
        ts_token = self.time_signature_token(time_signature)
        bar_ticks = vocab.ticks_per_bar(vocab.time_signatures[ts_token - self.timesig])
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
                tokens.append(self.shift + step - 1)
                now += step
            if p != program:
                tokens.append(self.program + p)
                program = p
            if on:
                if v != velocity:
                    tokens.append(self.velocity + v)
                    velocity = v
                tokens.append(self.note_on + pitch)
            else:
                tokens.append(self.note_off + pitch)
        tokens.append(EOS)
        return np.asarray(tokens, dtype=TOKEN_DTYPE)

    def decode(self, tokens: np.ndarray) -> tuple[QuantizedNotes, str]:
        """Notes and time signature of a complete sequence; TokenizationError if it breaks grammar."""
        from auralab.music.grammar import GrammarState

        state = GrammarState(self)
        for token in np.asarray(tokens).tolist():
            state.step(int(token))
        if not state.finished:
            raise TokenizationError("sequence ends without EOS")
        return state.notes(), state.time_signature
