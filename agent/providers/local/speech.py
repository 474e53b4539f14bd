"""The offline voice: hibari-tts's bundled English voice, nothing downloaded at run time.

``hibari-tts`` (Apache-2.0) ships one voice inside its wheel, ``heart`` (American English,
female; a 7.9 MB ONNX model, about 100x real time on one CPU core). Its other voices are
fetched from the network on first use, so they are not offered here: the offline voice must
work on a machine with no network, and every voice it offers has a licence that allows
commercial use (the package's).

It reads English only: its spelling-to-sound rules are English. A line in another language
would come out as English phonemes (wrong words, not an accent), so the refine phase does not
speak such lines with it; it logs a warning, keeps the subtitles, and says so in the run's
progress. OpenAI's speech model (``openai``) speaks other languages.
"""

from __future__ import annotations

import asyncio
import threading
from functools import cache
from pathlib import Path
from typing import Any

from agent.errors import ProviderError, UserError
from agent.memo import Call
from agent.providers.base import SpeechRequest

#: Version of the offline voice's output; bump when the audio for a line changes.
SPEECH_VERSION = 1
_LOCK = threading.Lock()


@cache
def _engine(voice: str) -> Any:
    """The hibari engine for ``voice``, loaded once per process (about 1 s)."""
    try:
        from hibari import Hibari  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - a dependency of the package
        raise UserError(
            "the offline voice needs hibari-tts: pip install hibari-tts (or --no-voiceover)"
        ) from exc
    return Hibari(voice=voice)


class LocalVoice:
    """Offline text to speech with hibari-tts's bundled voice.

    Attributes:
        voices: ``("heart",)``, the voice inside the package.
        languages: ``("en",)``.
    """

    name = "local"
    voices: tuple[str, ...] = ("heart",)
    languages: tuple[str, ...] | None = ("en",)

    def describe(self, req: SpeechRequest) -> Call:
        """The call for one line: text, voice, seed (the speed is the voice's own)."""
        return Call(
            "local",
            "hibari",
            {"v": SPEECH_VERSION, "text": req.text, "voice": req.voice, "seed": req.seed},
            units=len(req.text),
            unit="character",
        )

    async def speak(self, req: SpeechRequest, dst: Path) -> None:
        """Write the line as a 16-bit mono WAV at 24 kHz.

        Raises:
            UserError: the voice is not the bundled one.
            ProviderError: the engine failed.
        """
        if req.voice not in self.voices:
            raise UserError(f"unknown offline voice {req.voice!r}; known: {', '.join(self.voices)}")
        await asyncio.to_thread(self._speak, req, dst)

    def _speak(self, req: SpeechRequest, dst: Path) -> None:
        from hibari import write_wav

        try:
            with _LOCK:  # one ONNX session per voice; sessions are not re-entrant here
                audio = _engine(req.voice)(req.text, seed=req.seed)
        except (RuntimeError, ValueError, KeyError) as exc:
            raise ProviderError(f"the offline voice failed on {req.text[:40]!r}: {exc}") from exc
        if len(audio) == 0:
            raise ProviderError(f"the offline voice made no sound for {req.text[:40]!r}")
        write_wav(str(dst), audio)
