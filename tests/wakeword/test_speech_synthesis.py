"""espeak-ng through ctypes, the text generators and the speaker split."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
import yaml

from auralab.core.errors import DataLoadError
from auralab.wakeword.espeak import espeak
from auralab.wakeword.params import GeneratedVoiceParams, IngestParams, SpeakerParams
from auralab.wakeword.speakers import (
    SpeakerDraw,
    generated_speakers,
    installed_variants,
    speakers,
)
from auralab.wakeword.speech import plan_jobs, synthesize_all
from auralab.wakeword.text import (
    contains_phrase,
    partial_phrases,
    phrase_in_context,
    sentences,
    substitute_phoneme,
)
from auralab.wakeword.voices import generated_variants


def test_espeak_speaks_the_phrase_in_different_voices():
    engine = espeak()
    plain = engine.synthesize("hey aura", "en-us", 160, 50)
    female = engine.synthesize("hey aura", "en-us+f3", 160, 50)
    assert engine.sample_rate == 22050
    assert 0.3 < len(plain) / engine.sample_rate < 1.5
    assert np.abs(plain).max() > 0.1
    assert not np.array_equal(plain[: len(female)], female[: len(plain)])
    slow = engine.synthesize("hey aura", "en-us", 100, 50)
    assert len(slow) > len(plain)


def test_phoneme_input_round_trips_through_espeak():
    engine = espeak()
    phonemes = engine.phonemes("hey aura", "en-us")
    assert phonemes.startswith("h'eI")
    spoken = engine.synthesize(f"[[{phonemes}]]", "en-us", 160, 50)
    assert 0.3 < len(spoken) / engine.sample_rate < 1.5


def test_an_unknown_voice_is_a_clear_error():
    with pytest.raises(DataLoadError, match="no voice 'xx-nowhere'"):
        espeak().synthesize("hello", "xx-nowhere", 160, 50)


def test_sentences_never_contain_the_phrase():
    rng = random.Random(0)
    texts = sentences(rng, 500, "hey aura")
    assert len(set(texts)) > 100
    assert not any(contains_phrase(t, "hey aura") for t in texts)
    assert contains_phrase("well, Hey Aura!", "hey aura")
    assert not contains_phrase("hey laura", "hey aura")


def test_phoneme_substitution_changes_one_symbol():
    rng = random.Random(1)
    for _ in range(50):
        changed = substitute_phoneme("h'eI 'O:r@", rng)
        assert changed is not None and changed != "h'eI 'O:r@"
    assert partial_phrases("hey aura") == ["aura", "hey"]


def test_speakers_are_split_by_voice_variant():
    params = SpeakerParams(languages=["en-us", "en-gb-x-rp", "de"])
    everyone = speakers(params)
    assert len(everyone) == 3 * (len(installed_variants()) + 1)
    by_variant: dict[str, set[str]] = {}
    for speaker in everyone:
        by_variant.setdefault(speaker.variant, set()).add(speaker.split)
    assert all(len(splits) == 1 for splits in by_variant.values())
    held_out = {v for v, s in by_variant.items() if s == {"test"}}
    assert 0.05 < len(held_out) / len(by_variant) < 0.3


def test_generated_voices_are_deterministic_and_speak_differently():
    params = GeneratedVoiceParams(count=12, seed=5, whisper_share=0.5, breathy_share=0.0)
    donors = {
        "a": "name a\npitch 100 150\nformant 1 80 100 100\ntone 600 255 1200 200\n",
        "b": "name b\n// a comment\nformant 1 120 90 80 70\necho 30 20\nklatt 3\n",
    }
    variants = generated_variants(params, donors)
    assert variants == generated_variants(params, donors)
    assert len(set(variants.values())) == 12
    assert sum("breath " in text for text in variants.values()) >= 3  # whispered ones
    assert any("tone 600 255 1200 200" in t and "echo 30 20" in t for t in variants.values())
    for text in variants.values():  # F1 from a donor, scaled by the vocal tract
        f1 = int(text.split("formant 1 ")[1].split()[0])
        assert 80 * 0.85 - 1 <= f1 <= 120 * 1.18 + 1
    engine = espeak()
    name, text = next(iter(variants.items()))
    generated = engine.synthesize("hey aura", f"en-us+{name}", 160, 50, text)
    shipped = engine.synthesize("hey aura", "en-us", 160, 50)
    assert np.abs(generated).max() > 0.05
    n = min(len(generated), len(shipped))
    assert not np.allclose(generated[:n], shipped[:n], atol=1e-3)
    # Redefining the variant changes the voice the same name speaks with.
    other = list(variants.values())[1]
    again = engine.synthesize("hey aura", f"en-us+{name}", 160, 50, other)
    m = min(len(again), n)
    assert not np.array_equal(again[:m], generated[:m])


def test_trait_jitter_moves_formant_and_tone_frequencies_and_keeps_amplitudes():
    donors = {"a": "name a\nformant 1 100 90 80\ntone 600 255 1200 200\nvoicing 0\n"}
    plain = GeneratedVoiceParams(count=20, seed=3, tract_scale={"low": 1.0, "high": 1.0})
    jittered = plain.model_copy(update={"trait_jitter": 0.3})

    def lines(params: GeneratedVoiceParams, key: str) -> list[list[int]]:
        texts = generated_variants(params, donors).values()
        return [
            [int(v) for v in line.split()[len(key.split()) :]]
            for text in texts
            for line in text.splitlines()
            if line.startswith(key + " ")
        ]

    assert {tuple(f) for f in lines(plain, "formant 1")} == {(100, 90, 80)}
    formants = lines(jittered, "formant 1")
    assert len({f[0] for f in formants}) > 10 and len({f[2] for f in formants}) > 10
    assert all(70 <= f[0] <= 130 and 56 <= f[2] <= 104 and f[1] == 90 for f in formants)
    tones = lines(jittered, "tone")
    assert len({t[0] for t in tones}) > 10 and all(t[1] == 255 and t[3] == 200 for t in tones)
    # The donor is unvoiced and breathes nothing of its own: each voice gets breath lines
    # (whispered) instead of silence.
    for params in (plain, jittered):
        assert all("breath " in t for t in generated_variants(params, donors).values())


def test_generated_speakers_only_train_and_leave_the_held_out_split_alone():
    plain = SpeakerParams(languages=["en-us", "de"])
    params = SpeakerParams(
        languages=["en-us", "de"], generated=GeneratedVoiceParams(count=10, share=0.5)
    )
    assert {s.split for s in generated_speakers(params)} == {"train"}
    assert generated_speakers(plain) == []
    assert len(generated_speakers(params)) == 20
    draws = [SpeakerDraw(params).draw(random.Random(i)) for i in range(400)]
    baseline = [SpeakerDraw(plain).draw(random.Random(i)) for i in range(400)]
    assert [s.split for s in draws] == [s.split for s in baseline]
    generated = [s for s in draws if s.definition is not None]
    trained = [s for s in draws if s.split == "train"]
    assert 0.35 < len(generated) / len(trained) < 0.65
    assert all(
        s.split == "test"
        for s in (SpeakerDraw(params).draw(random.Random(i), "test") for i in range(50))
    )


def test_phrase_in_context_runs_the_phrase_on_into_other_words_but_never_says_it():
    texts = phrase_in_context("hey aura", 200, random.Random(3))
    assert len(texts) == 200
    assert not any(contains_phrase(t, "hey aura") for t in texts)
    starts = [t for t in texts if t.startswith("hey ")]
    ends = [t for t in texts if t.endswith(" aura")]
    assert len(starts) + len(ends) == 200 and min(len(starts), len(ends)) > 50
    assert all(2 <= len(t.split()) <= 3 for t in texts)  # the phrase's shape
    assert phrase_in_context("alexa", 10, random.Random(0)) == []


def test_context_negatives_are_planned_last_and_change_no_other_clip():
    values = yaml.safe_load(Path("params.yaml").read_text())["wakeword"]["ingest"]
    values |= {"positives": 6}
    values["negatives"] = {"adversarial": 4, "partial": 2, "speech": 5, "silence": 1}
    without = plan_jobs(IngestParams(**values))
    values["negatives"]["context"] = 7
    with_context = plan_jobs(IngestParams(**values))
    assert with_context[: len(without)] == without
    added = with_context[len(without) :]
    assert [job.category for job in added] == ["context"] * 7
    assert all(job.label == 0 for job in added)


def test_synthesis_is_the_same_however_the_batches_are_scheduled():
    # espeak-ng output depends on what its process spoke before: whispered, breathy and flutter
    # voices differed from run to run when batches went to whichever worker was free.
    values = yaml.safe_load(Path("params.yaml").read_text())["wakeword"]["ingest"]
    values |= {"positives": 40}
    values["negatives"] = {"adversarial": 0, "partial": 0, "speech": 30, "silence": 0}
    jobs = plan_jobs(IngestParams(**values))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("auralab.wakeword.speech.SYNTHESIS_BATCH", 24)
        one = synthesize_all(jobs, 16000, workers=1)
        two = synthesize_all(jobs, 16000, workers=2)
        again = synthesize_all(jobs, 16000, workers=2)
    assert all(
        np.array_equal(a, b) and np.array_equal(a, c)
        for a, b, c in zip(one, two, again, strict=True)
    )
