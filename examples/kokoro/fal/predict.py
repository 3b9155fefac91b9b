# Prediction interface for Cog ⚙️
# https://cog.run/python
#
# Kokoro-82M text-to-speech: 54 voices in 9 languages, 24 kHz output.

import tempfile

import numpy as np
import soundfile as sf
import torch
from pathlib import Path
from kokoro import KModel, KPipeline

REPO_ID = "hexgrad/Kokoro-82M"
SAMPLE_RATE = 24000

# Kokoro language codes
LANGUAGES = {
    "a": "American English",
    "b": "British English",
    "e": "Spanish",
    "f": "French",
    "h": "Hindi",
    "i": "Italian",
    "j": "Japanese",
    "p": "Brazilian Portuguese",
    "z": "Mandarin Chinese",
}

# voice -> language code (the first letter of a voice name is its language,
# the second its gender)
VOICES = {
    # American English
    "af_heart": "a",
    "af_alloy": "a",
    "af_aoede": "a",
    "af_bella": "a",
    "af_jessica": "a",
    "af_kore": "a",
    "af_nicole": "a",
    "af_nova": "a",
    "af_river": "a",
    "af_sarah": "a",
    "af_sky": "a",
    "am_adam": "a",
    "am_echo": "a",
    "am_eric": "a",
    "am_fenrir": "a",
    "am_liam": "a",
    "am_michael": "a",
    "am_onyx": "a",
    "am_puck": "a",
    "am_santa": "a",
    # British English
    "bf_alice": "b",
    "bf_emma": "b",
    "bf_isabella": "b",
    "bf_lily": "b",
    "bm_daniel": "b",
    "bm_fable": "b",
    "bm_george": "b",
    "bm_lewis": "b",
    # Spanish
    "ef_dora": "e",
    "em_alex": "e",
    "em_santa": "e",
    # French
    "ff_siwis": "f",
    # Hindi
    "hf_alpha": "h",
    "hf_beta": "h",
    "hm_omega": "h",
    "hm_psi": "h",
    # Italian
    "if_sara": "i",
    "im_nicola": "i",
    # Japanese
    "jf_alpha": "j",
    "jf_gongitsune": "j",
    "jf_nezumi": "j",
    "jf_tebukuro": "j",
    "jm_kumo": "j",
    # Brazilian Portuguese
    "pf_dora": "p",
    "pm_alex": "p",
    "pm_santa": "p",
    # Mandarin Chinese
    "zf_xiaobei": "z",
    "zf_xiaoni": "z",
    "zf_xiaoxiao": "z",
    "zf_xiaoyi": "z",
    "zm_yunjian": "z",
    "zm_yunxi": "z",
    "zm_yunxia": "z",
    "zm_yunyang": "z",
}


class Predictor:
    def setup(self) -> None:
        """Load the model once and build one G2P pipeline per language"""
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.model = KModel(repo_id=REPO_ID).to(self.device).eval()
        self.pipelines = {
            code: KPipeline(lang_code=code, repo_id=REPO_ID, model=self.model)
            for code in LANGUAGES
        }
        # preload every voice pack so the first request per voice is not slow
        for voice, code in VOICES.items():
            self.pipelines[code].load_voice(voice)

    def predict(
        self,
        text: str = "Kokoro is an open-weight text to speech model with eighty-two million parameters.",
        voice: str = "af_heart",
        language: str = "auto",
        speed: float = 1.0,
    ) -> Path:
        """Synthesize speech and return a 24 kHz WAV file"""
        if not text.strip():
            raise ValueError("text is empty")
        lang = VOICES[voice] if language == "auto" else language
        pipeline = self.pipelines[lang]
        print(f"voice={voice} language={LANGUAGES[lang]} speed={speed}")

        chunks = []
        for _graphemes, _phonemes, audio in pipeline(
            text, voice=voice, speed=speed, split_pattern=r"\n\s*\n"
        ):
            if audio is not None:
                chunks.append(audio.cpu().numpy())
        if not chunks:
            raise ValueError("nothing to say: the text produced no phonemes")

        out = Path(tempfile.mkdtemp()) / "speech.wav"
        sf.write(str(out), np.concatenate(chunks), SAMPLE_RATE)
        return out
