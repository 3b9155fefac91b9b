"""Read and write PCM WAV files with the standard library and numpy."""

import wave
from dataclasses import dataclass

import numpy as np

_DTYPES = {1: np.uint8, 2: np.int16, 4: np.int32}


@dataclass
class Audio:
    samples: np.ndarray  # float32 in [-1, 1], shape (frames, channels)
    sample_rate: int

    @property
    def channels(self) -> int:
        return self.samples.shape[1]

    @property
    def duration(self) -> float:
        return self.samples.shape[0] / self.sample_rate


def read_wav(path) -> Audio:
    with wave.open(str(path), "rb") as f:
        width = f.getsampwidth()
        if width not in _DTYPES:
            raise ValueError(f"unsupported sample width: {width * 8} bits")
        channels, rate = f.getnchannels(), f.getframerate()
        raw = f.readframes(f.getnframes())
    data = np.frombuffer(raw, dtype=_DTYPES[width]).astype(np.float32)
    if width == 1:  # 8-bit WAV is unsigned
        data = (data - 128.0) / 128.0
    else:
        data = data / float(2 ** (8 * width - 1))
    return Audio(data.reshape(-1, channels), rate)


def write_wav(path, audio: Audio) -> None:
    pcm = np.clip(np.round(audio.samples * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(audio.channels)
        f.setsampwidth(2)
        f.setframerate(audio.sample_rate)
        f.writeframes(pcm.tobytes())
