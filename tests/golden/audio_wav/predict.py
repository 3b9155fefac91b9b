import math
import struct
import tempfile
import wave

from pathlib import Path

NOTES = {"A4": 440.0, "C5": 523.25, "E5": 659.25}


class Predictor:
    def setup(self):
        self.sample_rate = 8000

    def predict(
        self,
        note: str = "A4",
        duration: float = 0.25,
        volume: float = 0.5,
    ) -> Path:
        frames = int(self.sample_rate * duration)
        freq = NOTES[note]
        samples = (
            int(32767 * volume * math.sin(2 * math.pi * freq * i / self.sample_rate))
            for i in range(frames)
        )
        out = Path(tempfile.mkdtemp()) / "tone.wav"
        with wave.open(str(out), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(self.sample_rate)
            w.writeframes(b"".join(struct.pack("<h", s) for s in samples))
        return out
