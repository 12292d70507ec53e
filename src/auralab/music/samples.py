"""Listenable samples of a model: MIDI files and piano-roll pictures."""

from __future__ import annotations

from auralab.music.generation import SamplingSettings, generate
from auralab.music.midi_export import notes_to_midi
from auralab.music.model import MusicTransformer
from auralab.music.plots import piano_roll_png
from auralab.music.tokenizer import Tokenizer


def sample_files(
    model: MusicTransformer, tokenizer: Tokenizer, n: int, max_new_tokens: int, seed: int
) -> dict[str, bytes]:
    """``sample_<i>.mid`` and ``sample_<i>.png`` for ``n`` constrained samples."""
    if n == 0:
        return {}
    settings = SamplingSettings(
        max_new_tokens=max_new_tokens, batch_size=n, temperature=1.0, top_p=0.95, seed=seed
    )
    result = generate(model, tokenizer, settings)
    vocabulary = tokenizer.vocabulary
    files: dict[str, bytes] = {}
    for i, tokens in enumerate(result.sequences):
        notes, signature = tokenizer.decode(tokens)
        files[f"sample_{i}.mid"] = notes_to_midi(
            notes, vocabulary.ticks_per_beat, vocabulary.n_velocity_bins, signature
        )
        files[f"sample_{i}.png"] = piano_roll_png(notes, vocabulary.ticks_per_beat, f"sample {i}")
    return files
