"""The offline music synthesiser: format, determinism, character, key, fades and tempo.

The musical checks use plain numpy analysis: a spectral-flux onset envelope (half-wave
rectified frame-to-frame rise of log magnitude, as in Bello et al. 2005, "A Tutorial on Onset
Detection in Music Signals") and a whole-clip chroma (magnitude per pitch class, A4 = 440 Hz).
"""

from __future__ import annotations

import io
import time
import wave

import numpy as np
import pytest
from numpy.typing import NDArray

from agent.providers.local.music import (
    PEAK_DBFS,
    SAMPLE_RATE_HZ,
    is_energetic,
    parse_key,
    synthesize,
    write_wav,
)
from agent.spec import MusicBrief

ENERGETIC = MusicBrief(
    mood="energetic", tempo_bpm=128, key="A minor", instruments=["synth bass", "drums", "pads"]
)
CALM = MusicBrief(
    mood="calm and luxurious", tempo_bpm=80, key="F# major", instruments=["piano", "pads"]
)
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10)}

Samples = NDArray[np.float32]


@pytest.fixture(scope="module")
def energetic_30s() -> Samples:
    return synthesize(ENERGETIC, 30.0, seed=7)


@pytest.fixture(scope="module")
def calm_30s() -> Samples:
    return synthesize(CALM, 30.0, seed=7)


def _mono(x: Samples) -> NDArray[np.float64]:
    return np.asarray(x.astype(np.float64).mean(axis=1))


def _rms(x: NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean(x**2)))


def _onset_envelope(
    x: Samples, fmax_hz: float = SAMPLE_RATE_HZ / 2, hop: int = 512, win: int = 2048
) -> tuple[NDArray[np.float64], float]:
    """Spectral flux per frame (bins up to ``fmax_hz``) and the frame period in seconds."""
    mono = _mono(x)
    n_frames = 1 + (len(mono) - win) // hop
    idx = np.arange(win)[None, :] + hop * np.arange(n_frames)[:, None]
    n_bins = int(fmax_hz * win / SAMPLE_RATE_HZ) + 1
    log_mag = np.log1p(np.abs(np.fft.rfft(mono[idx] * np.hanning(win), axis=1)[:, :n_bins]))
    flux = np.maximum(np.diff(log_mag, axis=0), 0.0).sum(axis=1)
    return flux, hop / SAMPLE_RATE_HZ


def _chroma(x: Samples, fmin_hz: float = 60.0, fmax_hz: float = 2000.0) -> NDArray[np.float64]:
    """Spectral magnitude per pitch class (0 = C) over the whole clip.

    Magnitude rather than power, so the loud kick's pitch glide does not outweigh the harmony.
    """
    mono = _mono(x)
    magnitude = np.abs(np.fft.rfft(mono))
    f = np.fft.rfftfreq(len(mono), 1.0 / SAMPLE_RATE_HZ)
    band = (f >= fmin_hz) & (f <= fmax_hz)
    pc = np.round(12 * np.log2(f[band] / 440.0) + 69).astype(int) % 12
    return np.bincount(pc, weights=magnitude[band], minlength=12).astype(np.float64)


def _high_band_fraction(x: Samples, cutoff_hz: float = 6000.0) -> float:
    power = np.abs(np.fft.rfft(_mono(x))) ** 2
    f = np.fft.rfftfreq(len(x), 1.0 / SAMPLE_RATE_HZ)
    return float(power[f >= cutoff_hz].sum() / power.sum())


@pytest.mark.parametrize("duration_s", [6.0, 12.5, 15.0, 30.0, 60.0, 7.333])
@pytest.mark.parametrize("brief", [ENERGETIC, CALM], ids=["energetic", "calm"])
def test_length_is_exact(brief: MusicBrief, duration_s: float) -> None:
    x = synthesize(brief, duration_s, seed=1)
    assert x.shape == (round(duration_s * SAMPLE_RATE_HZ), 2)


def test_length_at_another_sample_rate() -> None:
    assert synthesize(CALM, 6.01, seed=1, sample_rate_hz=44_100).shape == (265_041, 2)


def test_stereo_float32_within_full_scale_at_minus_3_dbfs(
    energetic_30s: Samples, calm_30s: Samples
) -> None:
    for x in (energetic_30s, calm_30s):
        assert x.dtype == np.float32
        assert np.all(np.isfinite(x))
        peak_dbfs = 20 * np.log10(np.abs(x).max())
        assert peak_dbfs == pytest.approx(PEAK_DBFS, abs=0.5)
        assert not np.allclose(x[:, 0], x[:, 1])  # really stereo


def test_same_inputs_same_samples_and_seeds_vary(calm_30s: Samples) -> None:
    assert np.array_equal(synthesize(CALM, 30.0, seed=7), calm_30s)
    others = [synthesize(CALM, 30.0, seed=s) for s in range(4)]
    for other in others:
        if not np.array_equal(other, calm_30s):
            assert _rms(_mono(other) - _mono(calm_30s)) > 0.3 * _rms(_mono(calm_30s))
    assert sum(not np.array_equal(a, b) for a, b in zip(others, others[1:], strict=False)) >= 2


def test_zero_and_invalid_durations() -> None:
    assert synthesize(CALM, 0.0, seed=1).shape == (0, 2)
    with pytest.raises(ValueError):
        synthesize(CALM, -1.0, seed=1)
    with pytest.raises(ValueError):
        synthesize(CALM, float("nan"), seed=1)


def test_mood_words_choose_the_arrangement() -> None:
    assert is_energetic(ENERGETIC)
    assert not is_energetic(CALM)
    assert is_energetic(CALM.model_copy(update={"mood": "playful, fun"}))
    assert not is_energetic(ENERGETIC.model_copy(update={"mood": "serene"}))


def test_energetic_is_percussive_and_calm_is_not(energetic_30s: Samples, calm_30s: Samples) -> None:
    def flux_per_rms(x: Samples) -> float:
        return float(_onset_envelope(x)[0].mean()) / _rms(_mono(x))

    # Drum transients: several times the onset strength and the energy above 6 kHz.
    assert flux_per_rms(energetic_30s) > 3 * flux_per_rms(calm_30s)
    assert _high_band_fraction(energetic_30s) > 0.005
    assert _high_band_fraction(calm_30s) < 0.1 * _high_band_fraction(energetic_30s)


def test_calm_mood_gets_drums_when_the_instruments_ask(calm_30s: Samples) -> None:
    brief = CALM.model_copy(update={"instruments": ["piano", "soft drums"]})
    with_drums = synthesize(brief, 30.0, seed=7)
    assert _high_band_fraction(with_drums) > 10 * _high_band_fraction(calm_30s)


@pytest.mark.parametrize(
    ("mood", "tempo_bpm", "key"),
    [
        ("energetic", 128, "A minor"),
        ("calm", 80, "F# major"),
        ("elegant", 70, "Bb major"),
        ("bold", 140, "E minor"),
        ("upbeat", 110, "Db major"),
    ],
)
def test_tonic_is_among_the_strongest_scale_notes(mood: str, tempo_bpm: int, key: str) -> None:
    brief = MusicBrief(mood=mood, tempo_bpm=tempo_bpm, key=key, instruments=["pads"])
    tonic, mode = parse_key(key)
    scale = {(tonic + step) % 12 for step in SCALES[mode]}
    for seed in (0, 1):
        strongest = np.argsort(_chroma(synthesize(brief, 20.0, seed)))[::-1][:3]
        assert tonic in strongest
        assert set(strongest) <= scale


@pytest.mark.parametrize("brief", [ENERGETIC, CALM], ids=["energetic", "calm"])
def test_last_chord_is_the_tonic(brief: MusicBrief) -> None:
    tonic, _ = parse_key(brief.key)
    for seed in (0, 1, 2):
        x = synthesize(brief, 20.0, seed)
        last_s = x[-round(1.5 * SAMPLE_RATE_HZ) :]
        assert int(np.argmax(_chroma(last_s))) == tonic


@pytest.mark.parametrize("duration_s", [6.0, 30.0])
@pytest.mark.parametrize("brief", [ENERGETIC, CALM], ids=["energetic", "calm"])
def test_fades_in_and_out(brief: MusicBrief, duration_s: float) -> None:
    mono = _mono(synthesize(brief, duration_s, seed=3))
    ten_ms = SAMPLE_RATE_HZ // 100
    middle = _rms(mono[len(mono) // 4 : 3 * len(mono) // 4])
    assert _rms(mono[:ten_ms]) < 0.02 * middle
    assert _rms(mono[-ten_ms:]) < 0.02 * middle


@pytest.mark.parametrize("tempo_bpm", [69, 90, 128, 150, 174])
def test_drums_pulse_at_the_brief_tempo(tempo_bpm: int) -> None:
    brief = ENERGETIC.model_copy(update={"tempo_bpm": tempo_bpm})
    beat_s = 60.0 / tempo_bpm
    for seed in (0, 1, 2, 3):
        # Onsets below 300 Hz, where the kick and bass carry the pulse.
        env, frame_s = _onset_envelope(synthesize(brief, 20.0, seed), fmax_hz=300.0)
        env -= env.mean()
        autocorr = np.correlate(env, env, "full")[len(env) - 1 :]
        # Search lags of 0.7-1.4 beats: the backbeat also repeats every 2 beats and the hats
        # every half beat, so the octave above and below are excluded, as tempo trackers do.
        lo, hi = int(0.7 * beat_s / frame_s), int(np.ceil(1.4 * beat_s / frame_s))
        peak_s = (lo + int(np.argmax(autocorr[lo : hi + 1]))) * frame_s
        assert peak_s == pytest.approx(beat_s, rel=0.05)


def test_thirty_seconds_render_fast() -> None:
    synthesize(ENERGETIC, 1.0, seed=0)  # warm up imports and FFT plans
    start = time.perf_counter()
    synthesize(ENERGETIC, 30.0, seed=0)
    # Typically ~0.2 s; the bound only catches a per-sample Python loop sneaking in.
    assert time.perf_counter() - start < 3.0


def test_parse_key() -> None:
    assert parse_key("A minor") == (9, "minor")
    assert parse_key("F# major") == (6, "major")
    assert parse_key("Bb minor") == (10, "minor")
    assert parse_key("Cb major") == (11, "major")
    with pytest.raises(ValueError, match="key must look like"):
        parse_key("H dorian")


def test_write_wav_is_16_bit_pcm(calm_30s: Samples) -> None:
    clip = calm_30s[:SAMPLE_RATE_HZ]
    data = write_wav(clip, SAMPLE_RATE_HZ)
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, SAMPLE_RATE_HZ)
        assert w.getnframes() == len(clip)
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2").reshape(-1, 2)
    assert np.abs(pcm / 32767.0 - clip).max() < 1.0 / 32767.0
    mono = write_wav(np.array([0.0, 2.0, -2.0]), 8000)
    with wave.open(io.BytesIO(mono)) as w:
        assert w.getnchannels() == 1
        assert list(np.frombuffer(w.readframes(3), "<i2")) == [0, 32767, -32767]
