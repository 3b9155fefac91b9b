"""Simple, deterministic audio effects on float32 sample arrays."""

import numpy as np

from audio_io import Audio


def gain(audio: Audio, db: float) -> Audio:
    return Audio(audio.samples * (10.0 ** (db / 20.0)), audio.sample_rate)


def reverse(audio: Audio) -> Audio:
    return Audio(audio.samples[::-1].copy(), audio.sample_rate)


def normalize(audio: Audio, peak_db: float = -1.0) -> Audio:
    peak = float(np.max(np.abs(audio.samples))) if audio.samples.size else 0.0
    if peak == 0.0:
        return audio
    target = 10.0 ** (peak_db / 20.0)
    return Audio(audio.samples * (target / peak), audio.sample_rate)


def fade(audio: Audio, seconds: float = 0.05) -> Audio:
    n = audio.samples.shape[0]
    k = min(int(seconds * audio.sample_rate), n // 2)
    env = np.ones(n, dtype=np.float32)
    if k > 0:
        ramp = np.linspace(0.0, 1.0, k, dtype=np.float32)
        env[:k] = ramp
        env[n - k :] = ramp[::-1]
    return Audio(audio.samples * env[:, None], audio.sample_rate)


def echo(audio: Audio, delay: float = 0.12, decay: float = 0.4) -> Audio:
    d = int(delay * audio.sample_rate)
    out = np.concatenate([audio.samples, np.zeros((d, audio.channels), np.float32)])
    out[d:] += audio.samples * decay
    return Audio(out, audio.sample_rate)


def stats(audio: Audio) -> dict:
    s = audio.samples
    peak = float(np.max(np.abs(s))) if s.size else 0.0
    rms = float(np.sqrt(np.mean(s.astype(np.float64) ** 2))) if s.size else 0.0
    return {
        "sample_rate": audio.sample_rate,
        "channels": audio.channels,
        "frames": int(s.shape[0]),
        "duration_seconds": round(audio.duration, 4),
        "peak_dbfs": round(20 * np.log10(peak), 2) if peak > 0 else float("-inf"),
        "rms_dbfs": round(20 * np.log10(rms), 2) if rms > 0 else float("-inf"),
    }
