# Prediction interface for Cog ⚙️
# https://cog.run/python

import os
import tempfile

from cog import BasePredictor, Input, Path

import effects
from audio_io import read_wav, write_wav

EFFECTS = ["gain", "reverse", "normalize", "fade", "echo"]


class Predictor(BasePredictor):
    def predict(
        self,
        audio: Path = Input(description="Input audio, a PCM WAV file (8, 16 or 32 bit)"),
        effect: str = Input(
            description="Effect to apply",
            choices=EFFECTS,
            default="gain",
        ),
        gain_db: float = Input(
            description="Gain in decibels applied after the effect",
            default=-6.0,
            ge=-24.0,
            le=24.0,
        ),
        output_kind: str = Input(
            description="'audio' returns the processed WAV file, 'report' a text file describing input and output",
            choices=["audio", "report"],
            default="audio",
        ),
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
