"""Synthesize the speech clips: positives (the phrase) and negatives (near misses, parts of the
phrase, everyday sentences, near-silence), each with its speaker, split and speech boundaries."""

from __future__ import annotations

import multiprocessing
import random
import zlib
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from auralab.core.progress import progress
from auralab.core.splits import hash_split
from auralab.wakeword.audio import resample
from auralab.wakeword.clips import ClipSet, pack
from auralab.wakeword.espeak import espeak
from auralab.wakeword.params import IngestParams
from auralab.wakeword.speakers import Speaker, SpeakerDraw
from auralab.wakeword.text import (
    contains_phrase,
    partial_phrases,
    phrase_in_context,
    sentences,
    substitute_phoneme,
)
from auralab.wakeword.voices import GENERATED_VOLUME

POSITIVE_STYLES = ("{}", "{}", "{}!", "{}?", "{}.")  # punctuation changes espeak's intonation
TRIM_DB = 40.0  # speech boundaries: frames within 40 dB of the clip's peak


@dataclass(frozen=True)
class SpeechJob:
    """One clip to synthesize."""

    clip_id: str
    text: str
    voice: str
    rate_wpm: int
    pitch: int
    label: int
    category: str
    split: str
    speaker: str
    variant: str | None = None  # a generated voice's espeak-ng variant file
    volume: int = 100  # espeak-ng amplitude, percent


def speech_job(
    rng: random.Random,
    clip_id: str,
    text: str,
    speaker: Speaker,
    label: int,
    category: str,
    params: IngestParams,
) -> SpeechJob:
    return SpeechJob(
        clip_id=clip_id,
        text=text,
        voice=speaker.voice,
        rate_wpm=rng.randint(int(params.rate_wpm.low), int(params.rate_wpm.high)),
        pitch=rng.randint(int(params.pitch.low), int(params.pitch.high)),
        label=label,
        category=category,
        split=speaker.split,
        speaker=speaker.speaker_id,
        variant=speaker.definition,
        volume=GENERATED_VOLUME if speaker.definition is not None else 100,
    )


def adversarial_texts(params: IngestParams, rng: random.Random) -> list[str]:
    """Near-miss phrases whose phonemes differ from the phrase's, plus phoneme substitutions."""
    engine = espeak()
    target = engine.phonemes(params.phrase, "en-us")
    near = [
        p
        for p in params.near_phrases
        if not contains_phrase(p, params.phrase) and engine.phonemes(p, "en-us") != target
    ]
    substituted: set[str] = set()
    for _ in range(200):
        candidate = substitute_phoneme(target, rng)
        if candidate and candidate != target:
            substituted.add(f"[[{candidate}]]")
    return sorted(near) + sorted(substituted)


def plan_jobs(params: IngestParams) -> list[SpeechJob]:
    """Every speech clip to synthesize, deterministic in ``params.seed``."""
    rng = random.Random(params.seed)
    voices = SpeakerDraw(params.speakers)
    phrase = params.phrase
    jobs: list[SpeechJob] = []

    def draw(n: int, label: int, category: str, texts: Sequence[str]) -> None:
        for i in range(n):
            speaker = voices.draw(rng)
            text = texts[i % len(texts)] if category != "positive" else rng.choice(texts)
            jobs.append(
                speech_job(rng, f"{category}-{i:05d}", text, speaker, label, category, params)
            )

    draw(params.positives, 1, "positive", [s.format(phrase) for s in POSITIVE_STYLES])
    adversarial = adversarial_texts(params, rng)
    rng.shuffle(adversarial)
    draw(params.negatives.adversarial, 0, "adversarial", adversarial)
    draw(params.negatives.partial, 0, "partial", partial_phrases(phrase) or [phrase[:-1]])
    draw(params.negatives.speech, 0, "speech", sentences(rng, params.negatives.speech, phrase))
    # Drawn last, so that adding them leaves every other clip as it was.
    in_context = phrase_in_context(phrase, params.negatives.context, rng)
    draw(len(in_context), 0, "context", in_context)
    return jobs


def _synthesize(job: SpeechJob, sample_rate: int) -> np.ndarray:
    engine = espeak()
    seed = zlib.crc32(f"{job.clip_id}|{job.text}|{job.voice}".encode()) & 0x7FFFFFFF
    audio = engine.synthesize(
        job.text, job.voice, job.rate_wpm, job.pitch, job.variant, job.volume, seed
    )
    return resample(audio, engine.sample_rate, sample_rate)


def _synthesize_batch(jobs: list[SpeechJob], sample_rate: int) -> list[np.ndarray]:
    return [_synthesize(job, sample_rate) for job in jobs]


# Clips per worker process. espeak-ng carries synthesis state (oscillator phases, noise) from one
# utterance to the next, even across re-initialisation and with its random seed reset, so a clip
# depends on what its process spoke before it. Each batch is therefore spoken by a fresh process:
# a clip then depends only on its batch, and the data rebuild bit for bit whatever the scheduling.
SYNTHESIS_BATCH = 512


def synthesize_all(
    jobs: Sequence[SpeechJob], sample_rate: int, workers: int, desc: str = "speech"
) -> list[np.ndarray]:
    """Run the jobs in ``workers`` processes, a fresh one per batch of ``SYNTHESIS_BATCH``, and
    return their audio in order."""
    batches = [list(jobs[i : i + SYNTHESIS_BATCH]) for i in range(0, len(jobs), SYNTHESIS_BATCH)]
    # spawn, not fork: a forked child inherits espeak-ng's state and locks from its parent.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=max(1, min(workers, len(batches))), mp_context=context, max_tasks_per_child=1
    ) as pool:
        mapped = pool.map(_synthesize_batch, batches, [sample_rate] * len(batches))
        results = list(progress(mapped, desc, total=len(batches)))
    return [clip for batch in results for clip in batch]


def speech_bounds(audio: np.ndarray) -> tuple[int, int]:
    """(first, last) sample of speech, by energy within ``TRIM_DB`` of the peak."""
    import librosa

    _, (start, end) = librosa.effects.trim(audio, top_db=TRIM_DB, frame_length=512, hop_length=128)
    return int(start), int(end)


def silence_clips(params: IngestParams) -> tuple[list[np.ndarray], pd.DataFrame]:
    """Near-silent clips: a low coloured-noise floor (-75 to -50 dBFS), 0.5 to 2 s long."""
    from auralab.wakeword.backgrounds import coloured_noise

    rng = np.random.default_rng(params.seed + 1)
    clips, rows = [], []
    for i in range(params.negatives.silence):
        seconds = rng.uniform(0.5, 2.0)
        colour = str(rng.choice(["white", "pink", "brown"]))
        noise = coloured_noise(colour, int(seconds * params.sample_rate), rng)
        level = 10 ** (rng.uniform(-75, -50) / 20)
        clips.append(
            (noise * level / max(float(np.sqrt(np.mean(noise**2))), 1e-9)).astype(np.float32)
        )
        clip_id = f"silence-{i:05d}"
        rows.append(
            {
                "clip_id": clip_id,
                "text": "",
                "voice": "",
                "rate_wpm": 0,
                "pitch": 0,
                "label": 0,
                "category": "silence",
                "speaker": "none",
                "speech_start": 0,
                "speech_end": 0,
                "split": hash_split(
                    clip_id,
                    params.speakers.salt,
                    params.speakers.validation_fraction,
                    params.speakers.test_fraction,
                ),
            }
        )
    return clips, pd.DataFrame(rows)


def synthesize_speech_clips(params: IngestParams) -> ClipSet:
    """All synthetic clips (speech and silence) with their metadata."""
    jobs = plan_jobs(params)
    audio = synthesize_all(jobs, params.sample_rate, params.workers)
    rows = []
    for job, clip in zip(jobs, audio, strict=True):
        start, end = speech_bounds(clip)
        rows.append({**asdict(job), "speech_start": start, "speech_end": end})
    silence, silence_rows = silence_clips(params)
    table = pd.concat([pd.DataFrame(rows), silence_rows], ignore_index=True)
    table["source"] = "synthetic"
    return pack([*audio, *silence], table, params.sample_rate)
