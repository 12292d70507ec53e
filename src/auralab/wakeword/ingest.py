"""Ingest: user recordings read and resampled (or quarantined), synthetic backgrounds and rooms
built, long-form negative audio composed. Plain functions; the Kedro nodes only wire them."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from auralab.core.errors import DataLoadError
from auralab.core.progress import progress
from auralab.core.splits import hash_split
from auralab.wakeword.audio import decode, encode, rms
from auralab.wakeword.backgrounds import NOISE_COLOURS, babble, coloured_noise, music_clip
from auralab.wakeword.clips import ClipSet, pack
from auralab.wakeword.longform import LongformMaterial, Utterance, compose
from auralab.wakeword.params import IngestParams
from auralab.wakeword.rooms import sample_room, simulate_rir
from auralab.wakeword.speakers import SpeakerDraw
from auralab.wakeword.speech import speech_job, synthesize_all
from auralab.wakeword.text import sentences

USER_FOLDERS = ("positive", "negative", "background", "rir")
MIN_SECONDS = {"positive": 0.2, "negative": 0.2, "background": 1.0, "rir": 0.01}
SILENT_RMS = 1e-5  # below -100 dBFS: nothing recorded
# A synthesized everyday sentence lasts 1.8 s on average over the voices and rates (measured) and
# is followed by 0.6 s of pause: 2.4 s, less a margin so that the sentences rarely run out.
SENTENCE_SECONDS = 2.2


@dataclass
class UserRecordings:
    """The user's files, decoded to mono at the project rate, by folder."""

    clips: list[np.ndarray] = field(default_factory=list)
    clip_rows: list[dict[str, Any]] = field(default_factory=list)
    backgrounds: dict[str, np.ndarray] = field(default_factory=dict)
    rirs: dict[str, np.ndarray] = field(default_factory=dict)
    quarantine: list[dict[str, str]] = field(default_factory=list)


def _split(key: str, params: IngestParams) -> str:
    s = params.speakers
    return hash_split(key, s.salt, s.validation_fraction, s.test_fraction)


def read_user_recordings(files: Mapping[str, bytes], params: IngestParams) -> UserRecordings:
    """Decode every file under ``positive/ negative/ background/ rir/``; anything unreadable,
    empty, silent, too short or too long is quarantined with its reason and the rest go on."""
    out = UserRecordings()
    for name in sorted(files):
        path = PurePosixPath(name)
        if any(part.startswith(".") for part in path.parts):
            continue  # .gitkeep and editor files
        folder = path.parts[0] if len(path.parts) > 1 else ""
        if folder not in USER_FOLDERS:
            out.quarantine.append(
                {
                    "source": f"user/{name}",
                    "reason": "outside the user folders",
                    "detail": f"put it under one of {', '.join(USER_FOLDERS)}",
                }
            )
            continue
        try:
            audio, original_rate, channels = decode(files[name], params.sample_rate)
            seconds = len(audio) / params.sample_rate
            if seconds < MIN_SECONDS[folder]:
                raise DataLoadError(f"too short: {seconds:.2f} s < {MIN_SECONDS[folder]} s")
            if seconds > params.max_user_file_seconds:
                raise DataLoadError(f"too long: {seconds:.0f} s > {params.max_user_file_seconds} s")
            if rms(audio) < SILENT_RMS:
                raise DataLoadError("silent: no signal above -100 dBFS")
        except DataLoadError as error:
            reason, _, detail = str(error).partition(": ")
            out.quarantine.append({"source": f"user/{name}", "reason": reason, "detail": detail})
            continue
        key = "/".join(path.parts[1:])
        if folder == "background":
            out.backgrounds[key] = audio
        elif folder == "rir":
            out.rirs[key] = audio / max(float(np.abs(audio).max()), 1e-9)
        else:
            # positive/<speaker>/file.wav names its speaker; a loose file is its own speaker.
            speaker = f"user:{path.parts[1]}" if len(path.parts) > 2 else f"user:{key}"
            out.clips.append(audio)
            out.clip_rows.append(
                {
                    "clip_id": f"user-{folder}-{key}",
                    "text": "",
                    "voice": "",
                    "rate_wpm": 0,
                    "pitch": 0,
                    "label": int(folder == "positive"),
                    "category": f"user_{folder}",
                    "split": _split(speaker, params),
                    "speaker": speaker,
                    "speech_start": 0,
                    "speech_end": len(audio),
                    "source": f"user/{name}",
                    "original_sample_rate": original_rate,
                    "original_channels": channels,
                }
            )
    return out


def user_clip_set(user: UserRecordings, sample_rate: int) -> ClipSet:
    return pack(user.clips, pd.DataFrame(user.clip_rows), sample_rate)


def _utterances(params: IngestParams, split: str, n: int, seed: int, desc: str) -> list[Utterance]:
    """``n`` synthesized sentences by speakers of ``split``."""
    rng = random.Random(seed)
    voices = SpeakerDraw(params.speakers)
    texts = sentences(rng, n, params.phrase)
    jobs = [
        speech_job(rng, f"{desc}-{i}", text, voices.draw(rng, split), 0, "speech", params)
        for i, text in enumerate(texts)
    ]
    audio = synthesize_all(jobs, params.sample_rate, params.workers, desc)
    return [Utterance(a, job.speaker, job.text) for a, job in zip(audio, jobs, strict=True)]


def _midi_split(midi: Mapping[str, bytes], split: str, params: IngestParams) -> list[bytes]:
    return [midi[name] for name in sorted(midi) if _split(name, params) == split]


def build_backgrounds(
    midi: Mapping[str, bytes], user: Mapping[str, np.ndarray], params: IngestParams
) -> tuple[dict[str, bytes], pd.DataFrame]:
    """WAV files ``<split>/<kind>-NNN.wav`` (noise, music, babble, user) and their table."""
    p = params.backgrounds
    sr = params.sample_rate
    rng = np.random.default_rng(params.seed + 2)
    audio: dict[str, np.ndarray] = {}
    rows: list[dict[str, Any]] = []

    def add(kind: str, i: int, clip: np.ndarray, split: str, detail: str, source: str) -> None:
        name = f"{split}/{kind}-{i:03d}.wav"
        audio[name] = clip
        rows.append(
            {
                "name": name,
                "kind": kind,
                "split": split,
                "detail": detail,
                "seconds": len(clip) / sr,
                "source": source,
            }
        )

    for i in range(p.noise):
        colour = NOISE_COLOURS[i % len(NOISE_COLOURS)]
        clip = coloured_noise(colour, int(p.seconds * sr), rng) * 10 ** (rng.uniform(-35, -20) / 20)
        add("noise", i, clip.astype(np.float32), _split(f"noise-{i}", params), colour, "synthetic")
    by_split = {s: _midi_split(midi, s, params) for s in ("train", "validation", "test")}
    for i in range(p.music):
        split = _split(f"music-{i}", params)
        pieces = by_split[split] or [m for v in by_split.values() for m in v]
        if not pieces:
            raise DataLoadError("no MIDI files to render music backgrounds from")
        clip = music_clip(pieces[int(rng.integers(len(pieces)))], p.seconds, sr, rng)
        add("music", i, clip, split, "chorale", "synthetic")
    if p.babble:
        babble_splits = [_split(f"babble-{i}", params) for i in range(p.babble)]
        voices: dict[str, list[np.ndarray]] = {}
        for split in sorted(set(babble_splits)):
            n_utterances = 8 * babble_splits.count(split) + 8
            voices[split] = [
                u.audio
                for u in _utterances(
                    params, split, n_utterances, params.seed + 3, f"babble-{split}"
                )
            ]
        talk_rng = random.Random(params.seed + 4)
        for i, split in enumerate(babble_splits):
            talkers = talk_rng.randint(3, 6)
            clip = babble(voices[split], p.seconds, sr, talkers, talk_rng)
            add("babble", i, clip, split, f"{talkers} talkers", "synthetic")
    for i, (key, clip) in enumerate(sorted(user.items())):
        add("user", i, clip, _split(f"user:{key}", params), key, f"user/background/{key}")
    files = {name: encode(clip, sr) for name, clip in audio.items()}
    return files, pd.DataFrame(rows)


def build_rirs(
    user: Mapping[str, np.ndarray], params: IngestParams
) -> tuple[dict[str, bytes], pd.DataFrame]:
    """Simulated room impulse responses (and the user's), as WAV files ``<split>/room-NNN.wav``."""
    rng = np.random.default_rng(params.seed + 5)
    files: dict[str, bytes] = {}
    rows: list[dict[str, Any]] = []
    for i in progress(range(params.rooms.count), "rooms"):
        dims, rt60 = sample_room(params.rooms, rng)
        rir, distance = simulate_rir(dims, rt60, params.sample_rate, params.rooms.max_order, rng)
        split = _split(f"room-{i}", params)
        name = f"{split}/room-{i:03d}.wav"
        files[name] = encode(rir * 0.99, params.sample_rate)
        rows.append(
            {
                "name": name,
                "split": split,
                "rt60_s": rt60,
                "length_m": dims[0],
                "width_m": dims[1],
                "height_m": dims[2],
                "distance_m": distance,
                "seconds": len(rir) / params.sample_rate,
                "source": "synthetic",
            }
        )
    for i, (key, rir) in enumerate(sorted(user.items())):
        split = _split(f"user:{key}", params)
        name = f"{split}/user-{i:03d}.wav"
        files[name] = encode(rir * 0.99, params.sample_rate)
        rows.append(
            {
                "name": name,
                "split": split,
                "rt60_s": np.nan,
                "length_m": np.nan,
                "width_m": np.nan,
                "height_m": np.nan,
                "distance_m": np.nan,
                "seconds": len(rir) / params.sample_rate,
                "source": f"user/rir/{key}",
            }
        )
    return files, pd.DataFrame(rows)


def build_longform(
    midi: Mapping[str, bytes], rirs: Mapping[str, np.ndarray], params: IngestParams
) -> tuple[dict[str, bytes], pd.DataFrame]:
    """FLAC chunks ``evaluation/*.flac`` (test speakers, music, rooms), ``validation/*.flac``
    (validation material, for checkpoint selection) and ``mining/*.flac`` (training material:
    training crops random negative windows from it, and mining its hard negatives), and the
    segment table of all."""
    p = params.longform
    files: dict[str, bytes] = {}
    tables = []
    for name, split, minutes, seed in (
        ("evaluation", "test", p.evaluation_minutes, params.seed + 10),
        ("validation", "validation", p.validation_minutes, params.seed + 30),
        ("mining", "train", p.mining_minutes, params.seed + 20),
    ):
        if minutes <= 0:
            continue
        # Enough sentences for the speech passages to hear each once (babble draws from them too).
        n = max(16, int(minutes * 60 * p.speech_share / SENTENCE_SECONDS))
        utterances = _utterances(params, split, n, seed, name)
        pieces = _midi_split(midi, split, params) or list(midi.values())
        rooms = [r for key, r in sorted(rirs.items()) if key.startswith(f"{split}/")]
        material = LongformMaterial(utterances, pieces, rooms)
        chunks, table = compose(material, minutes, p, params.sample_rate, seed, name)
        for i, chunk in enumerate(chunks):
            files[f"{name}/{name}-{i:03d}.flac"] = encode(chunk, params.sample_rate, "FLAC")
        table.insert(0, "set", name)
        tables.append(table)
    return files, pd.concat(tables, ignore_index=True)


def decode_folder(
    files: Mapping[str, bytes], sample_rate: int, under: str | None = None
) -> dict[str, np.ndarray]:
    """Audio files written by this module -> arrays, by name; only those named ``<under>/...``
    when ``under`` is given (a split, or a long-form set such as ``mining``)."""
    return {
        name: decode(data, sample_rate)[0]
        for name, data in files.items()
        if under is None or name.startswith(f"{under}/")
    }
