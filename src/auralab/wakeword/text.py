"""Text for synthetic speech: everyday sentences, near-miss phrases and phoneme substitutions.

Nothing here may contain the wake phrase: :func:`contains_phrase` guards every generator.
The word lists are small on purpose (speech variety comes from voices, rates and pitches); they
are embedded so that data generation needs no network and no corpus download.
"""

from __future__ import annotations

import random
import re

SUBJECTS = (
    "I",
    "we",
    "you",
    "they",
    "she",
    "he",
    "my friend",
    "the doctor",
    "our neighbour",
    "the teacher",
    "my brother",
    "her sister",
    "the driver",
    "everyone",
    "nobody",
    "the children",
    "the manager",
    "his mother",
    "the old man",
    "a stranger",
)
VERBS = (
    "want",
    "need",
    "like",
    "found",
    "bought",
    "saw",
    "heard",
    "moved",
    "opened",
    "closed",
    "cleaned",
    "painted",
    "forgot",
    "remember",
    "fixed",
    "carried",
    "ordered",
    "cooked",
    "washed",
    "borrowed",
    "sold",
    "watched",
    "tried",
    "checked",
    "packed",
)
OBJECTS = (
    "the window",
    "the kitchen table",
    "a cup of tea",
    "the red car",
    "some fresh bread",
    "the garden gate",
    "the last train",
    "a new phone",
    "the music",
    "the letter",
    "our tickets",
    "the blue coat",
    "a small box",
    "the radio",
    "the coffee machine",
    "a birthday cake",
    "the lights",
    "the door",
    "the map",
    "some water",
    "the weather report",
    "a good book",
    "the piano",
    "the heater",
    "the dishes",
    "the groceries",
)
PLACES = (
    "at home",
    "in the morning",
    "after lunch",
    "before dinner",
    "on the weekend",
    "at the station",
    "in the park",
    "near the river",
    "at work",
    "downstairs",
    "outside",
    "tonight",
    "yesterday",
    "last week",
    "tomorrow",
    "later",
)
QUESTIONS = (
    "what time is it",
    "where did you put the keys",
    "can you turn the volume down",
    "did anyone feed the cat",
    "how was your day",
    "should we leave now",
    "is it going to rain later",
    "who left the lights on",
    "could you call me back",
    "when does the shop open",
    "are you coming with us",
    "what should we cook tonight",
)
INTERJECTIONS = ("okay", "well", "so", "hey", "alright", "oh", "right", "hmm", "yes", "no")


def normalise(text: str) -> str:
    """Lower case, letters and single spaces only."""
    return re.sub(r"\s+", " ", re.sub(r"[^a-z' ]", " ", text.lower())).strip()


def contains_phrase(text: str, phrase: str) -> bool:
    """True when ``phrase`` occurs in ``text`` as whole words."""
    return f" {normalise(phrase)} " in f" {normalise(text)} "


def sentence(rng: random.Random) -> str:
    """One everyday sentence or question (3 to 14 words)."""
    roll = rng.random()
    if roll < 0.25:
        return rng.choice(QUESTIONS)
    parts = [rng.choice(SUBJECTS), rng.choice(VERBS), rng.choice(OBJECTS)]
    if roll < 0.7:
        parts.append(rng.choice(PLACES))
    if roll > 0.85:
        parts.insert(0, rng.choice(INTERJECTIONS))
    return " ".join(parts)


def sentences(rng: random.Random, n: int, phrase: str) -> list[str]:
    """``n`` sentences, none containing ``phrase``."""
    out: list[str] = []
    while len(out) < n:
        candidate = sentence(rng)
        if not contains_phrase(candidate, phrase):
            out.append(candidate)
    return out


def partial_phrases(phrase: str) -> list[str]:
    """Each word of a multi-word phrase alone, and the phrase cut short (``hey`` / ``aura``)."""
    words = normalise(phrase).split()
    if len(words) < 2:
        return []
    return sorted({*words, *(" ".join(words[:i]) for i in range(1, len(words)))})


def phrase_in_context(phrase: str, n: int, rng: random.Random) -> list[str]:
    """``n`` phrases shaped like the wake phrase with other words: its leading words then one or
    two others, or one or two others then its trailing words ("hey we", "hey my brother", "the
    aura"); never the whole phrase.

    A multi-word wake phrase's commonest false accepts are its first word in ordinary speech
    ("hey, what time is it"); the parts alone (:func:`partial_phrases`) do not show that what
    follows "hey" decides. Short, so that windowed like a positive (``windows.window_offset``)
    they sit where the phrase would. Empty for a one-word phrase.
    """
    words = normalise(phrase).split()
    out: list[str] = []
    for _ in range(100 * n if len(words) > 1 else 0):
        if len(out) == n:
            break
        cut = rng.randrange(1, len(words))
        other = sentence(rng).split()
        k = rng.randint(1, 2)
        if rng.random() < 0.5:
            text = " ".join([*words[:cut], *other[:k]])
        else:
            text = " ".join([*other[-k:], *words[cut:]])
        if not contains_phrase(text, phrase):
            out.append(text)
    return out


# Phoneme confusions for near-miss phrases (espeak mnemonics): each phoneme may become one of the
# others in its group, so the phrase stays close in sound but is a different phrase.
PHONEME_GROUPS: tuple[tuple[str, ...], ...] = (
    ("eI", "aI", "E", "i:", "I"),
    ("O:", "oU", "A:", "aU", "3:"),
    ("@", "a", "i", "oU"),
    ("h", "s", "f", "T"),
    ("r", "l", "w", "n"),
    ("k", "g", "t", "d"),
    ("p", "b"),
    ("m", "n"),
)


def substitute_phoneme(phonemes: str, rng: random.Random) -> str | None:
    """``phonemes`` with one phoneme swapped for a confusable one, or None when none applies."""
    # Longest symbols first so `eI` is matched before `E`.
    symbols = sorted({s for group in PHONEME_GROUPS for s in group}, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(s) for s in symbols))
    matches = list(pattern.finditer(phonemes))
    if not matches:
        return None
    match = rng.choice(matches)
    group = next(g for g in PHONEME_GROUPS if match.group() in g)
    replacement = rng.choice([s for s in group if s != match.group()])
    return phonemes[: match.start()] + replacement + phonemes[match.end() :]
