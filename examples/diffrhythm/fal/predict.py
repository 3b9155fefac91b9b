# Prediction interface for Cog ⚙️
# https://cog.run/python
#
# DiffRhythm (ASLP-lab): full-length song generation (vocals + accompaniment)
# from timestamped lyrics and a style given as reference audio or as text.

import os
import random
import subprocess
import sys
import tempfile

# phonemizer looks for the espeak-ng shared library installed by system_packages
os.environ.setdefault("PHONEMIZER_ESPEAK_LIBRARY", "/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1")

# the DiffRhythm repository is cloned into the image by cog.yaml's build.run
DIFFRHYTHM_ROOT = "/DiffRhythm"
sys.path.insert(0, DIFFRHYTHM_ROOT)
sys.path.insert(0, os.path.join(DIFFRHYTHM_ROOT, "infer"))

import numpy as np
import torch
import torchaudio
from typing import Optional
from pathlib import Path
from einops import rearrange
from infer_utils import decode_audio, get_lrc_token, get_style_prompt, prepare_model

from lyrics import LyricsError, normalize_lyrics

SAMPLE_RATE = 44100
# song length in seconds -> latent frames / model
MAX_FRAMES = {95: 2048, 285: 6144}
REPOS = {95: "ASLP-lab/DiffRhythm-base", 285: "ASLP-lab/DiffRhythm-full"}
SUPPORTED_REFERENCE_FORMATS = (".wav", ".mp3", ".flac")

DEFAULT_LYRICS = """[00:10.00]Morning light across the window
[00:14.20]Coffee steam and quiet streets
[00:18.60]Every sound is slowly waking
[00:23.00]Like a song I used to keep
[00:28.40]Oh, the city hums a melody
[00:32.80]Only early risers hear
[00:37.20]Hold it close before it fades away
[00:41.60]Sing it while the sky is clear"""


class Predictor:
    def setup(self) -> None:
        """Load both DiffRhythm models (95 s and 285 s) and the shared encoders"""
        self.device = "cuda"
        # weights are fetched from Hugging Face into ./pretrained by prepare_model
        self.cfm = {}
        self.cfm[95], self.tokenizer, self.muq, self.vae = prepare_model(
            MAX_FRAMES[95], self.device, repo_id=REPOS[95]
        )
        self.cfm[285], _, _, _ = prepare_model(MAX_FRAMES[285], self.device, repo_id=REPOS[285])

        vocal = np.load(os.path.join(DIFFRHYTHM_ROOT, "infer", "example", "vocal.npy"))
        self.negative_style_prompt = torch.from_numpy(vocal).to(self.device).half()

    def predict(
        self,
        lyrics: str = DEFAULT_LYRICS,
        reference_audio: Optional[Path] = None,
        style_prompt: str = "Pop, Emotional, Piano, Female Vocals",
        duration: int = 95,
        steps: int = 32,
        cfg_strength: float = 4.0,
        chunked_decoding: bool = True,
        output_format: str = "wav",
        seed: Optional[int] = None,
    ) -> Path:
        """Generate a song from lyrics and a style"""
        if seed is None:
            seed = int.from_bytes(os.urandom(4), "big") & 0x7FFFFFFF
        print(f"Using seed: {seed}")
        random.seed(seed)
        torch.manual_seed(seed)

        max_frames = MAX_FRAMES[duration]
        try:
            lrc = normalize_lyrics(lyrics, max_seconds=duration)
        except LyricsError as e:
            raise ValueError(f"invalid lyrics: {e}") from e
        lrc_prompt, start_time = get_lrc_token(max_frames, lrc, self.tokenizer, self.device)

        workdir = tempfile.mkdtemp()
        if reference_audio is not None:
            ref = str(reference_audio)
            if os.path.splitext(ref)[1].lower() not in SUPPORTED_REFERENCE_FORMATS:
                converted = os.path.join(workdir, "reference.wav")
                subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", ref, converted], check=True)
                ref = converted
            style = get_style_prompt(self.muq, wav_path=ref)
        else:
            if not style_prompt.strip():
                raise ValueError("give either reference_audio or a style_prompt")
            style = get_style_prompt(self.muq, prompt=style_prompt)

        cond = torch.zeros(1, max_frames, 64, device=self.device)
        with torch.inference_mode():
            latents, _ = self.cfm[duration].sample(
                cond=cond,
                text=lrc_prompt,
                duration=max_frames,
                style_prompt=style,
                negative_style_prompt=self.negative_style_prompt,
                steps=steps,
                cfg_strength=cfg_strength,
                start_time=start_time,
                latent_pred_segments=[(0, max_frames)],
                batch_infer_num=1,
            )
            latent = latents[0].to(torch.float32).transpose(1, 2)  # [b d t]
            audio = decode_audio(latent, self.vae, chunked=chunked_decoding)

        # [b, channels, samples] -> [channels, samples], peak-normalised int16
        audio = rearrange(audio, "b d n -> d (b n)").to(torch.float32)
        audio = audio.div(torch.max(torch.abs(audio))).clamp(-1, 1).mul(32767).to(torch.int16).cpu()

        wav_path = os.path.join(workdir, "song.wav")
        torchaudio.save(wav_path, audio, sample_rate=SAMPLE_RATE)
        if output_format == "wav":
            return Path(wav_path)

        mp3_path = os.path.join(workdir, "song.mp3")
        subprocess.run(
            ["ffmpeg", "-y", "-loglevel", "error", "-i", wav_path, "-b:a", "320k", mp3_path],
            check=True,
        )
        return Path(mp3_path)
