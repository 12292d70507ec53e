"""Long-form negative audio: exactly as long as asked, with a segment table that covers it and
says which sentence is spoken where."""

from __future__ import annotations

import random

import numpy as np

from auralab.wakeword.backgrounds import coloured_noise
from auralab.wakeword.longform import LongformMaterial, SentenceDeck, Utterance, compose
from auralab.wakeword.params import LongformParams


def test_long_form_audio_is_exactly_the_minutes_asked_for():
    rng = np.random.default_rng(0)
    utterances = [
        Utterance(
            (coloured_noise("white", int(16000 * s), rng) * 0.1).astype(np.float32),
            f"v{i}",
            f"sentence {i}",
        )
        for i, s in enumerate((0.73, 1.31, 0.97, 2.05))
    ]
    params = LongformParams(
        evaluation_minutes=1.0, mining_minutes=1.0, chunk_minutes=0.5,
        speech_share=0.5, music_share=0.0, noise_share=0.25, babble_share=0.25,
    )  # fmt: skip
    chunks, table = compose(
        LongformMaterial(utterances, [], []), 1.0, params, 16000, 3, "evaluation"
    )
    assert [len(c) for c in chunks] == [480000, 480000]  # 0.5 min each: an hour is an hour
    assert all(np.isfinite(c).all() and np.abs(c).max() < 1 for c in chunks)
    for _, segments in table.groupby("file"):
        assert segments["start_s"].iloc[0] == 0 and abs(segments["end_s"].iloc[-1] - 30) < 1e-9
        np.testing.assert_allclose(segments["start_s"].iloc[1:], segments["end_s"].iloc[:-1])
    assert set(table["kind"]) <= {"speech", "noise", "babble"}

    speech = table[table["kind"] == "speech"]
    assert set(speech["text"]) <= {f"sentence {i}" for i in range(4)} and len(speech) > 4
    assert (table.loc[table["kind"] != "speech", "text"] == "").all()


def test_each_sentence_row_starts_where_its_sentence_is_heard():
    # Each sentence is a tone burst at its own frequency, so its start can be found in the audio.
    tones = {
        f: np.sin(2 * np.pi * f * np.arange(8000) / 16000).astype(np.float32) for f in (500, 2000)
    }
    utterances = [Utterance(tone, "v0", f"{f} hz") for f, tone in tones.items()]
    params = LongformParams(
        evaluation_minutes=0.5, mining_minutes=1.0, chunk_minutes=0.5, noise_floor_dbfs=-90,
        speech_share=1.0, music_share=0.0, noise_share=0.0, babble_share=0.0,
    )  # fmt: skip
    chunks, table = compose(LongformMaterial(utterances, [], []), 0.5, params, 16000, 5, "x")
    assert (table["kind"] == "speech").all() and len(table) > 10
    for row in table.itertuples():
        start = round(row.start_s * 16000)
        piece = chunks[0][start : start + 400]
        if len(piece) < 400:
            continue
        spectrum = np.abs(np.fft.rfft(piece))
        heard = int(np.argmax(spectrum) * 16000 / 400)
        assert abs(heard - int(row.text.split()[0])) <= 40, (row.start_s, row.text, heard)


def test_speech_passages_hear_each_sentence_once_until_all_are_used():
    # Five speakers with six short sentences each: passages hand over to another speaker when
    # theirs run out, and no sentence is heard twice while any is unheard.
    rng = np.random.default_rng(1)
    utterances = [
        Utterance(
            (coloured_noise("white", 8000, rng) * 0.1).astype(np.float32), f"v{s}", f"v{s} s{i}"
        )
        for s in range(5)
        for i in range(6)
    ]
    params = LongformParams(
        evaluation_minutes=1.0, mining_minutes=1.0, chunk_minutes=1.0,
        speech_share=1.0, music_share=0.0, noise_share=0.0, babble_share=0.0,
    )  # fmt: skip
    _, table = compose(LongformMaterial(utterances, [], []), 1.0, params, 16000, 2, "x")
    texts = table["text"].tolist()
    assert len(texts) > 30  # more sentences than there are: the deck was dealt again
    assert len(set(texts[:30])) == 30 and set(texts[:30]) == {u.text for u in utterances}
    assert (table["detail"] == table["text"].str.split().str[0]).all()  # each row, its speaker


def test_sentence_deck_counts_a_reshuffle_only_once_every_sentence_is_dealt():
    rng = random.Random(0)
    silence = np.zeros(10, dtype=np.float32)
    deck = SentenceDeck([Utterance(silence, "a", "one"), Utterance(silence, "b", "two")], rng)
    dealt = {deck.deal(deck.speaker(rng), rng).text for _ in range(2)}
    assert dealt == {"one", "two"} and deck.reshuffles == 0
    deck.deal(deck.speaker(rng), rng)
    assert deck.reshuffles == 1
