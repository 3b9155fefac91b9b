"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
from pathlib import Path
from typing import ClassVar, Literal

import fal
from fal.toolkit import Audio, File, Image, Video, download_file
from pydantic import BaseModel, Field

# cog.yaml `environment`, set on the runner before the model code loads.
ENVIRONMENT = {
    "HF_HOME": "/src/hf-cache",
}


def upload(path: Path) -> File:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    media = {"image": Image, "audio": Audio, "video": Video}.get(content_type.split("/")[0], File)
    return media.from_path(path, content_type=content_type)


class Input(BaseModel):
    """Inputs of the prediction, as the Cog predictor declared them."""

    text: str = Field(
        default="Kokoro is an open-weight text to speech model with eighty-two million parameters.",
        description="Text to speak. Blank lines split it into separately generated chunks",
        max_length=5000,
    )
    voice: Literal[
        "af_heart",
        "af_alloy",
        "af_aoede",
        "af_bella",
        "af_jessica",
        "af_kore",
        "af_nicole",
        "af_nova",
        "af_river",
        "af_sarah",
        "af_sky",
        "am_adam",
        "am_echo",
        "am_eric",
        "am_fenrir",
        "am_liam",
        "am_michael",
        "am_onyx",
        "am_puck",
        "am_santa",
        "bf_alice",
        "bf_emma",
        "bf_isabella",
        "bf_lily",
        "bm_daniel",
        "bm_fable",
        "bm_george",
        "bm_lewis",
        "ef_dora",
        "em_alex",
        "em_santa",
        "ff_siwis",
        "hf_alpha",
        "hf_beta",
        "hm_omega",
        "hm_psi",
        "if_sara",
        "im_nicola",
        "jf_alpha",
        "jf_gongitsune",
        "jf_nezumi",
        "jf_tebukuro",
        "jm_kumo",
        "pf_dora",
        "pm_alex",
        "pm_santa",
        "zf_xiaobei",
        "zf_xiaoni",
        "zf_xiaoxiao",
        "zf_xiaoyi",
        "zm_yunjian",
        "zm_yunxi",
        "zm_yunxia",
        "zm_yunyang",
    ] = Field(
        default="af_heart",
        description="Voice; the prefix is the language (a/b English, e Spanish, f French, h Hindi, i Italian, j Japanese, p Portuguese, z Mandarin) and gender",
    )
    language: Literal["auto", "a", "b", "e", "f", "h", "i", "j", "p", "z"] = Field(
        default="auto",
        description="Language used to read the text; 'auto' uses the voice's language",
    )
    speed: float = Field(default=1.0, description="Speech speed multiplier", ge=0.5, le=2.0)


class Output(BaseModel):
    """What the Cog model returned (`Path`)."""

    output: File


class Kokoro(fal.App, name="kokoro"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "GPU-A100"
    requirements: ClassVar[list[str]] = [
        "torch==2.5.1",
        "kokoro==0.9.4",
        "misaki[en,ja,zh]==0.9.4",
        "soundfile==0.13.1",
        "numpy==1.26.4",
    ]
    app_files: ClassVar[list[str]] = [
        "README.md",
        "cog2fal_cache.py",
        "cog2fal_runtime.py",
        "predict.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_cache
        import cog2fal_runtime

        # What the model downloads is kept on fal's persistent volume: a runner downloads
        # it once, not at every cold start (see MIGRATION.md, "Weights and caches").
        with cog2fal_cache.persistent("kokoro", paths=["hf-cache"]):
            self.predictor = cog2fal_runtime.load_predictor(
                "predict.py",
                "Predictor",
                environment=ENVIRONMENT,
            )
            self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
