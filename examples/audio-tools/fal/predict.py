# Prediction interface for Cog ⚙️
# https://cog.run/python

import os
import tempfile

from pathlib import Path

import effects
from audio_io import read_wav, write_wav

EFFECTS = ["gain", "reverse", "normalize", "fade", "echo"]


class Predictor:
    def predict(
        self,
        audio: Path,
        effect: str = "gain",
        gain_db: float = -6.0,
        output_kind: str = "audio",
    ) -> Path:
        """Process a WAV file"""
        src = read_wav(audio)
        if effect == "gain":
            out = src
        elif effect == "reverse":
            out = effects.reverse(src)
        elif effect == "normalize":
            out = effects.normalize(src)
        elif effect == "fade":
            out = effects.fade(src)
        else:
            out = effects.echo(src)
        out = effects.gain(out, gain_db)

        out_dir = tempfile.mkdtemp()
        if output_kind == "report":
            report = os.path.join(out_dir, "report.txt")
            with open(report, "w", encoding="utf-8") as f:
                f.write(f"effect: {effect}, gain: {gain_db:+.1f} dB\n")
                for label, a in (("input", src), ("output", out)):
                    for key, value in effects.stats(a).items():
                        f.write(f"{label}.{key}: {value}\n")
            return Path(report)

        wav = os.path.join(out_dir, "processed.wav")
        write_wav(wav, out)
        return Path(wav)
