"""Generate MIDI files from a model: the library behind ``auralab generate`` and the pyfunc."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from auralab.core.errors import TokenizationError
from auralab.music.generation import generate, sampling_settings
from auralab.music.midi import parse_midi
from auralab.music.midi_export import notes_to_midi
from auralab.music.model import MusicTransformer
from auralab.music.params import GenerationParams, PreprocessParams
from auralab.music.preprocess import FileNotes, quantize_file
from auralab.music.tokenizer import BAR, EOS, Tokenizer


@dataclass(frozen=True)
class Piece:
    """One generated piece: MIDI bytes (empty when its tokens do not decode)."""

    midi: bytes
    valid: bool
    n_tokens: int


def prompt_tokens(
    midi: bytes, tokenizer: Tokenizer, preprocess: PreprocessParams, max_tokens: int
) -> np.ndarray:
    """A MIDI file as a prompt: its tokens without EOS, cut at a bar line within ``max_tokens``."""
    file = FileNotes("prompt", parse_midi(midi).notes)
    tokens = tokenizer.encode(quantize_file(file, preprocess), file.time_signature)
    tokens = tokens[tokens != EOS]
    if len(tokens) > max_tokens:
        bars = np.flatnonzero(tokens[:max_tokens] == BAR)
        tokens = tokens[: int(bars[-1]) if len(bars) > 1 else max_tokens]
    return tokens


def generate_midi(
    model: MusicTransformer,
    tokenizer: Tokenizer,
    params: GenerationParams,
    prompt_midi: bytes | None = None,
    constrained: bool = True,
    preprocess: PreprocessParams | None = None,
) -> list[Piece]:
    """``params.n_pieces`` pieces at 480 PPQN, continuing ``prompt_midi`` when given."""
    prompt = None
    if prompt_midi:
        prompt = prompt_tokens(
            prompt_midi, tokenizer, preprocess or PreprocessParams(), model.config.block_size // 2
        )
    result = generate(model, tokenizer, sampling_settings(params, tokenizer, constrained), prompt)
    vocabulary = tokenizer.vocabulary
    pieces = []
    for tokens, valid in zip(result.sequences, result.valid, strict=True):
        midi = b""
        if valid:
            try:
                notes, signature = tokenizer.decode(tokens)
                midi = notes_to_midi(
                    notes,
                    vocabulary.ticks_per_beat,
                    vocabulary.n_velocity_bins,
                    signature,
                    params.tempo_bpm,
                )
            except TokenizationError:
                valid = False
        pieces.append(Piece(midi, valid, len(tokens)))
    return pieces
