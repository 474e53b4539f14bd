"""Offline music: a seeded soundtrack synthesised in the brief's key, tempo and mood.

4/4, one chord per bar from a pop progression in the key (I-V-vi-IV, vi-IV-I-V, ... in major;
i-VI-III-VII, i-iv-VII-III, ... in natural minor), ending on the tonic. Detuned-saw pads, a
plucked arpeggio, a bass on the roots and, for energetic moods or when the instruments ask,
drums (pitch-drop sine kick, noise snare, high-passed noise hats, fills); equal temperament,
A4 = 440 Hz (ISO 16). Each distinct note or hit is rendered once with numpy and added at its
onsets, so 30 s takes a fraction of a second. The seed picks progression, voicing, patterns and
fills. Loudness is normalised later (ffmpeg ``loudnorm``); the peak here is :data:`PEAK_DBFS`.
"""

from __future__ import annotations

import io
import math
import re
import wave
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from agent.spec import MusicBrief

#: Output sample rate, Hz (the usual rate for video soundtracks).
SAMPLE_RATE_HZ = 48_000
#: Peak level of the result, dBFS.
PEAK_DBFS = -3.0

Audio = NDArray[np.float64]

_KEY = re.compile(r"^\s*([A-Ga-g])([#b]?)\s+(major|minor)\s*$", re.IGNORECASE)
_NATURAL_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
_SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}  # natural minor
#: Progressions as 0-based scale degrees, one chord per bar.
_PROGRESSIONS: dict[str, tuple[tuple[int, ...], ...]] = {
    "major": ((0, 4, 5, 3), (5, 3, 0, 4), (0, 5, 3, 4), (0, 3, 5, 4)),  # I-V-vi-IV, vi-IV-I-V, ...
    "minor": ((0, 5, 2, 6), (0, 3, 6, 2), (0, 6, 5, 6), (0, 5, 3, 6)),  # i-VI-III-VII, ...
}
_ENERGETIC_WORDS = frozenset(
    "energetic energy upbeat exciting excited bold powerful intense playful fun sporty sport "
    "dynamic punchy driving fast hype edgy epic action aggressive fierce vibrant party".split()
)
_CALM_WORDS = frozenset(
    "calm serene luxurious luxury elegant warm emotional soft gentle premium dreamy relaxed "
    "relaxing peaceful tender ambient minimal nostalgic heartfelt intimate slow soothing".split()
)
_DRUM_WORDS = ("drum", "percussion", "beat", "kick", "snare", "hat", "808", "groove")
_TABLE_N = 16384  # samples in one cycle of a wavetable


def parse_key(key: str) -> tuple[int, str]:
    """Split a key such as ``"F# major"`` or ``"Bb minor"`` into tonic and mode.

    Args:
        key: tonic letter, optional ``#`` or ``b``, a space, then ``major`` or ``minor``.

    Returns:
        ``(tonic_pc, mode)``: the tonic's pitch class (C = 0 ... B = 11), "major" or "minor".

    Raises:
        ValueError: the key is not in that form.
    """
    m = _KEY.match(key)
    if m is None:
        raise ValueError(f"key must look like 'A minor' or 'F# major', got {key!r}")
    letter, accidental, mode = m.groups()
    pc = _NATURAL_PC[letter.upper()] + {"#": 1, "b": -1, "": 0}[accidental]
    return pc % 12, mode.lower()


def midi_to_hz(midi: float) -> float:
    """Equal-tempered frequency of a MIDI note number, Hz (69 = A4 = 440 Hz, ISO 16)."""
    return float(440.0 * 2.0 ** ((midi - 69.0) / 12.0))


def is_energetic(brief: MusicBrief) -> bool:
    """Whether a brief gets the energetic arrangement (drums, driving bass, 8th/16th arpeggio).

    Energetic words in the mood win, then calm words in mood or instruments, then tempo >= 110.
    """
    mood = set(re.findall(r"[a-z]+", brief.mood.lower()))
    words = mood.union(*(re.findall(r"[a-z]+", i.lower()) for i in brief.instruments))
    return bool(mood & _ENERGETIC_WORDS) or (not (words & _CALM_WORDS) and brief.tempo_bpm >= 110)


def _fades_s(duration_s: float) -> tuple[float, float]:
    """Fade-in and fade-out lengths, seconds: 0.4 s and 1.8 s, at most 1/10 and 1/5 of the clip."""
    return min(0.4, 0.1 * duration_s), min(1.8, 0.2 * duration_s)


def _osc(freq_hz: float, n: int, sample_rate_hz: int, amps: list[float], phase: float) -> Audio:
    """A steady tone from harmonic amplitudes (``amps[k]`` for harmonic ``k + 1``).

    Harmonics at or above 0.45 of the sample rate are dropped, so the tone does not alias.
    """
    k = np.arange(1, len(amps) + 1)
    spec = np.zeros(_TABLE_N // 2 + 1, np.complex128)
    spec[k] = np.where(k * freq_hz < 0.45 * sample_rate_hz, amps, 0.0) * (-0.5j * _TABLE_N)
    cycle = np.fft.irfft(spec, _TABLE_N)  # one cycle of sum_k amps[k-1] * sin(2 pi k x)
    cycle = np.append(cycle, cycle[0])
    pos = np.arange(n) * (freq_hz * _TABLE_N / sample_rate_hz) + phase * _TABLE_N
    idx = pos.astype(np.int64)
    frac = pos - idx
    idx &= _TABLE_N - 1
    return np.asarray(cycle[idx] * (1.0 - frac) + cycle[idx + 1] * frac)  # linear interpolation


def _saw_amps(freq_hz: float, cutoff_hz: float, sine: float) -> list[float]:
    """Harmonics of a sawtooth low-passed (2nd-order Butterworth) at ``cutoff_hz``, plus a sine."""
    k = np.arange(1, 64)
    amps = (1 - sine) * (2 / np.pi) / k / np.sqrt(1 + (k * freq_hz / cutoff_hz) ** 4)
    amps[0] += sine
    return [float(v) for v in amps]


def _noise(
    rng: np.random.Generator, n: int, sample_rate_hz: int, low_hz: float, high_hz: float = 0.0
) -> Audio:
    """White noise through 2nd-order Butterworth-magnitude high-pass (and low-pass) filters."""
    f = np.fft.rfftfreq(n, 1.0 / sample_rate_hz)
    gain = 1.0 / np.sqrt(1.0 + (low_hz / np.maximum(f, 1e-3)) ** 4)
    if high_hz:
        gain /= np.sqrt(1.0 + (f / high_hz) ** 4)
    return np.fft.irfft(np.fft.rfft(rng.standard_normal(n)) * gain, n)


def _env(n: int, sample_rate_hz: int, attack_s: float, release_s: float) -> Audio:
    """Raised-cosine attack, flat sustain, raised-cosine release over ``n`` samples."""
    a = min(round(attack_s * sample_rate_hz), n // 2)
    r = min(round(release_s * sample_rate_hz), n - a)
    e = np.ones(n)
    e[:a] = 0.5 - 0.5 * np.cos(np.pi * np.arange(a) / max(a, 1))
    e[n - r :] = 0.5 + 0.5 * np.cos(np.pi * np.arange(r) / max(r, 1))
    return e


class _Song:
    """One rendering: the plan (chords, patterns) and the stereo buses it is mixed into."""

    def __init__(self, brief: MusicBrief, n: int, seed: int, sample_rate_hz: int) -> None:
        self.sr, self.n = sample_rate_hz, n
        self.rng = np.random.default_rng(seed)
        self.tonic, self.mode = parse_key(brief.key)
        self.energetic = is_energetic(brief)
        asked = " ".join(brief.instruments).lower()
        self.drums = self.energetic or any(w in asked for w in _DRUM_WORDS)
        self.beat_s, self.bar_s = 60.0 / brief.tempo_bpm, 240.0 / brief.tempo_bpm
        self.music = np.zeros((n, 2))  # pads and bass, ducked under the kick when energetic
        self.other = np.zeros((n, 2))  # arpeggio and drums
        self._cache: dict[tuple[object, ...], Audio] = {}
        # Chords: the seed's progression, looped, then the tonic from the last bar that leaves
        # it half a bar and the whole fade-out (plus 0.5 s) to be heard.
        n_bars = max(1, math.ceil(n / (self.bar_s * self.sr) - 1e-9))
        tonic_s = max(0.5 * self.bar_s, _fades_s(n / self.sr)[1] + 0.5)
        self.final = min(n_bars - 1, max(0, math.floor((n / self.sr - tonic_s) / self.bar_s)))
        prog = _PROGRESSIONS[self.mode][int(self.rng.integers(len(_PROGRESSIONS[self.mode])))]
        self.degrees = [prog[i % len(prog)] for i in range(n_bars)]
        self.degrees[self.final :] = [0] * (n_bars - self.final)
        if self.final > 0 and self.degrees[self.final - 1] == 0:
            self.degrees[self.final - 1] = 4 if self.mode == "major" else 6  # V, or VII in minor
        sevenths = bool(self.rng.random() < (0.35 if self.energetic else 0.7))
        center = 60 + self.tonic % 6 + int(self.rng.integers(-2, 3))
        self.voicings = [self._voice(d, sevenths, center) for d in self.degrees]
        self.starts = [round(i * self.bar_s * self.sr) for i in range(n_bars + 1)]
        # (bar, start sample, end sample) of each chord; the final chord lasts to the end.
        ends = [*self.starts[1 : self.final + 1], n]
        self.chords = [(bar, self.starts[bar], end) for bar, end in enumerate(ends)]
        self.roots = [36 + (self.tonic + _SCALES[self.mode][d] - 36) % 12 for d in self.degrees]

    def _voice(self, degree: int, seventh: bool, center: int) -> list[int]:
        """MIDI notes of the chord on ``degree``, each pitch class placed nearest ``center``."""
        scale = _SCALES[self.mode]
        pcs = [(self.tonic + scale[(degree + k) % 7]) % 12 for k in (0, 2, 4, 6)[: 3 + seventh]]
        return sorted(pc + 12 * round((center - pc) / 12) for pc in pcs)

    def _cached(self, render: Callable[..., Audio], *args: object) -> Audio:
        """``render(*args)``, rendered once per distinct arguments."""
        key = (render.__name__, *args)
        if key not in self._cache:
            self._cache[key] = render(*args)
        return self._cache[key]

    def _add(self, bus: Audio, sound: Audio, at_s: float, gain: float, pan: float = 0.0) -> None:
        """Add a mono ``(m,)`` or stereo ``(m, 2)`` sound at ``at_s``, panned -1 (L) to 1 (R)."""
        start = round(at_s * self.sr)
        m = min(sound.shape[0], self.n - start)
        if m <= 0:
            return
        if sound.ndim == 2:
            bus[start : start + m] += gain * sound[:m]
            return
        angle = (pan + 1.0) * np.pi / 4.0  # constant-power pan
        bus[start : start + m, 0] += (gain * math.cos(angle)) * sound[:m]
        bus[start : start + m, 1] += (gain * math.sin(angle)) * sound[:m]

    def _pad_note(self, midi: int, n: int) -> Audio:
        """Two detuned band-limited saw/sine voices per channel, slow attack, low-passed."""
        f = midi_to_hz(midi)
        cutoff_hz, sine = (2600.0, 0.3) if self.energetic else (1100.0, 0.65)
        out = np.zeros((n, 2))
        for ch, cents in enumerate(((-9.0, 4.0), (-4.0, 9.0))):
            for j, c in enumerate(cents):
                fc = f * 2.0 ** (c / 1200.0)
                out[:, ch] += _osc(fc, n, self.sr, _saw_amps(fc, cutoff_hz, sine), 0.3 * j + ch)
        return out * _env(n, self.sr, 0.08 if self.energetic else 0.6, 0.6)[:, None]

    def pads(self) -> None:
        """Sustained chords, one per run of bars, cross-fading into the next."""
        for bar, start, end in self.chords:
            n = end - start + (round(0.6 * self.sr) if end < self.n else 0)
            for midi in self.voicings[bar]:
                self._add(self.music, self._cached(self._pad_note, midi, n), start / self.sr, 0.09)

    def _pluck(self, midi: int, decay_s: float) -> Audio:
        """Piano-like pluck: four harmonics, the higher ones dying away faster."""
        n = round(min(4.0 * decay_s, 3.0) * self.sr)
        t = np.arange(n) / self.sr
        w, fall = 2 * np.pi * midi_to_hz(midi) * t, np.exp(-t / decay_s)
        y, decay = np.zeros(n), _env(n, self.sr, 0.003, 0.02)
        for k in range(1, 5):  # harmonic k decays as fall**k
            decay *= fall
            y += 0.6 ** (k - 1) * np.sin(k * w) * decay
        return y

    def arpeggio(self) -> None:
        """Chord tones an octave above the pad, on quarters to 16ths; a strum on the last chord."""
        subdiv = int(self.rng.choice([2, 4] if self.energetic else [1, 2, 2]))
        patterns = [(0, 1, 2, 3), (0, 1, 2, 3, 2, 1), (0, 2, 1, 3), (3, 2, 1, 0), (0, 2, 3, 1)]
        pattern, decay_s = patterns[int(self.rng.integers(5))], 0.16 if self.energetic else 0.5
        for bar in range(self.final):
            tones = [m + 12 for m in self.voicings[bar]]
            for k in range(4 * subdiv):
                m = tones[pattern[k % len(pattern)] % len(tones)]
                vel = (1.0 if k % subdiv == 0 else 0.75) * (0.85 + 0.15 * self.rng.random())
                at_s = bar * self.bar_s + k * self.beat_s / subdiv
                note = self._cached(self._pluck, m, decay_s)
                self._add(self.other, note, at_s, 0.22 * vel, 0.35 * (-1) ** k)
        tones = [m + 12 for m in self.voicings[self.final]]
        for j, m in enumerate([*tones, tones[0] + 12]):  # the last chord, strummed
            note = self._cached(self._pluck, m, 1.2)
            self._add(self.other, note, self.final * self.bar_s + 0.07 * j, 0.2, 0.5 * (-1) ** j)

    def _bass_note(self, midi: int, n: int, held: bool) -> Audio:
        """A held sine with its octave, or a short low-passed saw-plus-sine pluck."""
        f = midi_to_hz(midi)
        if held:
            return _osc(f, n, self.sr, [1.0, 0.3], 0.0) * _env(n, self.sr, 0.08, 0.4)
        y = _osc(f, n, self.sr, _saw_amps(f, 700.0, 0.6), 0.0)
        decay = 0.6 + 0.4 * np.exp(-np.arange(n) / (0.08 * self.sr))
        return 1.5 * y * decay * _env(n, self.sr, 0.004, 0.02)

    def bass(self) -> None:
        """Roots in octave 2: held when calm, driving eighths with octaves/fifths when not."""
        octaves = [(0, 0, 12, 0, 0, 0, 12, 0), (0, 12) * 4]  # semitones above the root, in 8ths
        fifths = [(0, 0, 7, 0, 12, 0, 7, 0), (0, 0, 0, 12, 0, 0, 7, 12)]
        pattern = (octaves + fifths)[int(self.rng.integers(4))]
        note_n = round(0.85 * self.beat_s / 2 * self.sr)
        for bar, start, end in self.chords:
            root = self.roots[bar]  # octave 2: C2 (36) to B2 (47)
            if not self.energetic or bar == self.final:
                n = end - start + (round(0.4 * self.sr) if end < self.n else 0)
                note = self._cached(self._bass_note, root, n, True)
                self._add(self.music, note, start / self.sr, 0.3)
                continue
            for k, step in enumerate(pattern):
                note = self._cached(self._bass_note, root + step, note_n, False)
                self._add(self.music, note, start / self.sr + k * self.beat_s / 2, 0.3)

    def _hit(self, kind: str, midi: int = 0) -> Audio:
        """A drum hit: kick, snare or tom (tuned to ``midi``), hat (``midi`` = variant), crash."""
        sr = self.sr
        n = round({"kick": 0.45, "snare": 0.25, "tom": 0.4, "hat": 0.06, "crash": 1.6}[kind] * sr)
        t = np.arange(n) / sr
        f = midi_to_hz(midi)
        if kind in ("kick", "tom"):  # sine gliding down to f: from 3x (kick) or 1.2x (tom)
            rise, tau, decay_s = (2.0, 0.012, 0.22) if kind == "kick" else (0.15, 0.02, 0.15)
            phase = f * (t + rise * tau * (1.0 - np.exp(-t / tau)))
            y = np.sin(2 * np.pi * phase) * np.exp(-t / decay_s)
            if kind == "kick":  # beater click
                y += 0.15 * _noise(self.rng, n, sr, 2000.0) * np.exp(-t / 0.004)
            return y
        if kind == "snare":  # band-passed noise and a tuned body
            noise = _noise(self.rng, n, sr, 1200.0, 9000.0) * np.exp(-t / 0.07)
            return 0.9 * noise + 0.5 * np.sin(2 * np.pi * f * t) * np.exp(-t / 0.04)
        decay_s, low_hz = (0.012, 7000.0) if kind == "hat" else (0.45, 5000.0)
        return _noise(self.rng, n, sr, low_hz) * np.exp(-t / decay_s) * _env(n, sr, 5e-4, 0.01)

    def drumkit(self) -> None:
        """Kick on every beat, snare on 2 and 4, hats on 8ths or 16ths, fills, crashes."""
        rng, beat_s = self.rng, self.beat_s
        gain, hat_div = (1.0, int(rng.choice([2, 4]))) if self.energetic else (0.5, 2)
        # Kick, snare and toms tuned to the key (D1..C#2, D3..C#4, tonic triad from G2..F#3).
        kick = self._cached(self._hit, "kick", 26 + (self.tonic - 26) % 12)
        snare = self._cached(self._hit, "snare", 50 + (self.tonic - 50) % 12)
        tom, third = 43 + (self.tonic - 43) % 12, 4 if self.mode == "major" else 3
        toms = [self._cached(self._hit, "tom", tom + i) for i in (7, third, 0)]
        hats = [self._cached(self._hit, "hat", v) for v in range(3)]
        crash = self._cached(self._hit, "crash")
        syncopated = self.energetic and rng.random() < 0.5
        for bar in range(self.final):
            t0 = bar * self.bar_s
            if bar == 0 or (bar % 4 == 0 and rng.random() < 0.6):
                self._add(self.other, crash, t0, 0.25 * gain, 0.3)
            # A fill on the last beat before the final bar and of some 4-bar phrases.
            fill = bar == self.final - 1 or (bar % 4 == 3 and rng.random() < 0.6)
            fill_toms = fill and rng.random() < 0.5
            for b in range(4):
                self._add(self.other, kick, t0 + b * beat_s, 0.85 * gain)
                if fill and b == 3:
                    for k in range(4):  # 16ths: a snare crescendo or toms high to low
                        hit, pan = (toms[min(k, 2)], 0.4 - 0.3 * k) if fill_toms else (snare, 0.0)
                        at_s = t0 + (3 + k / 4) * beat_s
                        self._add(self.other, hit, at_s, (0.3 + 0.15 * k) * gain, pan)
                    continue
                if b in (1, 3):
                    self._add(self.other, snare, t0 + b * beat_s, 0.55 * gain)
                for h in range(hat_div):
                    vel = 1.0 if h == 0 else 0.7 if 2 * h == hat_div else 0.5
                    hat, at_s = hats[int(rng.integers(3))], t0 + (b + h / hat_div) * beat_s
                    self._add(self.other, hat, at_s, 0.3 * vel * gain, 0.25)
            if syncopated and not fill:
                self._add(self.other, kick, t0 + 2.5 * beat_s, 0.6 * gain)
        self._add(self.other, crash, self.final * self.bar_s, 0.25 * gain, 0.3)  # last hit
        self._add(self.other, kick, self.final * self.bar_s, gain)

    def render(self) -> Audio:
        """All parts, mixed; when energetic, pads and bass duck after each kick (side-chain)."""
        self.pads()
        self.bass()
        self.arpeggio()
        if self.drums:
            self.drumkit()
        if self.energetic:
            t = np.arange(round(self.beat_s * self.sr)) / self.sr
            duck = 1.0 - 0.45 * np.exp(-t / 0.1) * np.minimum(1.0, t / 0.005)
            for s in (round(b * self.beat_s * self.sr) for b in range(4 * self.final)):
                self.music[s : s + len(t)] *= duck[: self.n - s, None]
        return self.music + self.other


def synthesize(
    brief: MusicBrief, duration_s: float, seed: int, sample_rate_hz: int = SAMPLE_RATE_HZ
) -> NDArray[np.float32]:
    """Synthesise a stereo soundtrack for a music brief.

    Args:
        brief: mood (energetic or calm words choose the arrangement, see
            :func:`is_energetic`), tempo in BPM, key such as ``"A minor"``, instruments
            (``"drums"`` adds soft drums to a calm mood).
        duration_s: length, seconds (>= 0).
        seed: seeds :func:`numpy.random.default_rng`; picks progression, patterns and fills.
        sample_rate_hz: sample rate, Hz (>= 8000).

    Returns:
        Samples, float32, shape ``(round(duration_s * sample_rate_hz), 2)`` (left, right), in
        [-1, 1] with the peak at :data:`PEAK_DBFS`, a 0.4 s fade-in and a fade-out of 1.8 s
        (both at most a tenth and a fifth of the clip).

    Raises:
        ValueError: negative or non-finite duration, sample rate under 8 kHz, or a bad key.
    """
    if not (math.isfinite(duration_s) and duration_s >= 0 and sample_rate_hz >= 8000):
        raise ValueError(f"need duration >= 0 s and rate >= 8 kHz: {duration_s}, {sample_rate_hz}")
    n = round(duration_s * sample_rate_hz)
    if n == 0:
        return np.zeros((0, 2), np.float32)
    out = _Song(brief, n, seed, sample_rate_hz).render()
    peak = float(np.max(np.abs(out)))
    if peak > 0:  # normalise, rounding off the highest peaks a little
        out = np.tanh(out * (1.5 / peak)) * (10.0 ** (PEAK_DBFS / 20.0) / math.tanh(1.5))
    fade_in_n, fade_out_n = (min(round(f * sample_rate_hz), n) for f in _fades_s(duration_s))
    out[:fade_in_n] *= (0.5 - 0.5 * np.cos(np.linspace(0, np.pi, fade_in_n)))[:, None]
    out[n - fade_out_n :] *= (0.5 + 0.5 * np.cos(np.linspace(0, np.pi, fade_out_n)))[:, None]
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def write_wav(samples: NDArray[np.floating], sample_rate_hz: int) -> bytes:
    """Encode samples as a 16-bit PCM WAV file (stdlib :mod:`wave`).

    Args:
        samples: float samples in [-1, 1] (clipped beyond), shape ``(n,)`` or ``(n, channels)``.
        sample_rate_hz: sample rate, Hz.

    Returns:
        The WAV file's bytes (RIFF, little-endian PCM).

    Raises:
        ValueError: samples are not 1- or 2-dimensional.
    """
    if samples.ndim not in (1, 2):
        raise ValueError(f"samples must have shape (n,) or (n, channels), got {samples.shape}")
    frames = samples.reshape(samples.shape[0], -1)
    pcm = np.round(np.clip(frames, -1.0, 1.0) * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setparams((frames.shape[1], 2, sample_rate_hz, 0, "NONE", "not compressed"))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()
