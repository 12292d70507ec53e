"""espeak-ng speech synthesis through ctypes, on the library and voices shipped by espeakng-loader.

Written by hand: the maintained Python bindings either need a system espeak-ng (root) or only
phonemize; espeakng-loader ships the shared library and its data but no synthesis API. The C API
used here is the stable ``speak_lib.h`` one (Initialize, SetVoiceByName, SetParameter, Synth).

Generated voice variants (:mod:`auralab.wakeword.voices`) need a writable ``voices/!v`` folder: each
instance reads a private copy of the shipped data made of symbolic links, where
:meth:`Espeak.synthesize` writes a variant file before speaking with it.

espeak-ng keeps global state per process, so one :class:`Espeak` per process (worker pools call
:func:`espeak` in each worker). Output is mono float32 at :attr:`Espeak.sample_rate` (22,050 Hz).
"""

from __future__ import annotations

import ctypes
import functools
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from auralab.core.errors import DataLoadError

_AUDIO_OUTPUT_RETRIEVAL = 1  # samples come back through the synth callback
_RATE, _VOLUME, _PITCH = 1, 2, 3  # espeak_PARAMETER values
_PHONEME_INPUT = 0x100  # espeakPHONEMES: text may hold [[phonemes]]
_CHARS_UTF8 = 1

_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


@dataclass(frozen=True)
class VoiceInfo:
    """One espeak-ng language voice: ``language`` is what :meth:`Espeak.synthesize` takes."""

    name: str
    language: str
    identifier: str


class Espeak:
    """A synthesizer bound to this process's espeak-ng instance."""

    def __init__(self) -> None:
        import espeakng_loader

        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._libc = ctypes.CDLL(None)  # the process's C library, whose rand() espeak-ng calls
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_char_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        self._data = tempfile.TemporaryDirectory(prefix="auralab-espeak-")
        self._variants = _linked_data(Path(espeakng_loader.get_data_path()), Path(self._data.name))
        self._defined: dict[str, str] = {}
        data_path = self._data.name.encode()
        self.sample_rate = int(lib.espeak_Initialize(_AUDIO_OUTPUT_RETRIEVAL, 0, data_path, 0))
        if self.sample_rate <= 0:
            raise DataLoadError(f"espeak-ng failed to initialise with data at {data_path!r}")
        self._chunks: list[np.ndarray] = []
        self._callback = _Callback(self._collect)  # kept alive as long as the instance
        lib.espeak_SetSynthCallback(self._callback)

    def _collect(self, wav: ctypes._Pointer[ctypes.c_short], n: int, _events: int) -> int:
        if n > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(n,)).copy())
        return 0

    def voices(self) -> list[VoiceInfo]:
        """Every language voice in the shipped data."""
        listed = self._lib.espeak_ListVoices(None)
        found = []
        i = 0
        while listed[i]:
            v = listed[i].contents
            # `languages` is a priority byte followed by the language name.
            language = (v.languages or b"")[1:].split(b"\0")[0].decode()
            found.append(VoiceInfo(v.name.decode(), language, v.identifier.decode()))
            i += 1
        return found

    def define_variant(self, name: str, definition: str) -> None:
        """Make ``language+name`` speak with ``definition`` (an espeak-ng variant file's text)."""
        if not name or "/" in name or name.startswith("."):
            raise DataLoadError(f"bad voice variant name {name!r}")
        if self._defined.get(name) != definition:
            (self._variants / name).write_text(definition)
            self._defined[name] = definition

    def set_voice(self, voice: str) -> None:
        """``voice`` is ``language`` or ``language+variant`` (``en-us+f3``)."""
        if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise DataLoadError(f"espeak-ng has no voice {voice!r}")

    def phonemes(self, text: str, voice: str) -> str:
        """espeak's phoneme mnemonics for ``text`` (the notation ``[[...]]`` input accepts)."""
        self.set_voice(voice)
        pointer = ctypes.c_char_p(text.encode())
        parts = []
        while pointer.value:
            out = self._lib.espeak_TextToPhonemes(ctypes.byref(pointer), _CHARS_UTF8, 0)
            parts.append((out or b"").decode().strip())
        return " ".join(p for p in parts if p)

    def synthesize(
        self,
        text: str,
        voice: str,
        rate_wpm: int,
        pitch: int,
        variant: str | None = None,
        volume: int = 100,
        seed: int = 0,
    ) -> np.ndarray:
        """Speak ``text`` (or ``[[phonemes]]``); returns float32 samples in [-1, 1].

        ``variant``: the variant file of ``voice``'s ``+name`` part, for a generated voice;
        ``volume``: espeak-ng's amplitude in percent (loud voices saturate 16-bit output at 100);
        ``seed``: of the noise generators. The output also depends on what this process spoke
        before (see ``speech.SYNTHESIS_BATCH``).
        """
        if variant is not None:
            _language, plus, name = voice.partition("+")
            if not plus:
                raise DataLoadError(f"voice {voice!r} names no variant to define")
            self.define_variant(name, variant)
        self.set_voice(voice)
        self._lib.espeak_SetParameter(_RATE, int(rate_wpm), 0)
        self._lib.espeak_SetParameter(_PITCH, int(pitch), 0)
        self._lib.espeak_SetParameter(_VOLUME, int(volume), 0)
        self._chunks = []
        # Breath and whisper noise come from espeak-ng's generator and the C library's rand().
        self._lib.espeak_ng_SetRandSeed(seed)
        self._libc.srand(seed)
        encoded = text.encode()
        status = self._lib.espeak_Synth(
            encoded, len(encoded) + 1, 0, 0, 0, _CHARS_UTF8 | _PHONEME_INPUT, None, None
        )
        self._lib.espeak_Synchronize()
        if status != 0 or not self._chunks:
            raise DataLoadError(f"espeak-ng produced no audio for {text!r} in voice {voice!r}")
        return np.concatenate(self._chunks).astype(np.float32) / 32768.0


def _linked_data(shipped: Path, root: Path) -> Path:
    """Mirror ``shipped`` under ``root`` with symbolic links, except the ``voices/!v`` folder,
    which is real (its shipped files linked one by one); returns that folder."""
    for entry in shipped.iterdir():
        if entry.name != "voices":
            (root / entry.name).symlink_to(entry)
    (root / "voices").mkdir()
    for entry in (shipped / "voices").iterdir():
        if entry.name != "!v":
            (root / "voices" / entry.name).symlink_to(entry)
    variants = root / "voices" / "!v"
    variants.mkdir()
    for entry in (shipped / "voices" / "!v").iterdir():
        (variants / entry.name).symlink_to(entry)
    return variants


@functools.cache
def espeak() -> Espeak:
    """This process's synthesizer (created on first use)."""
    return Espeak()
