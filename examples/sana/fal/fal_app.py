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
from pydantic import BaseModel, ConfigDict, Field


def upload(path: Path) -> File:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    media = {"image": Image, "audio": Audio, "video": Video}.get(content_type.split("/")[0], File)
    return media.from_path(path, content_type=content_type)


class Input(BaseModel):
    """Inputs of the prediction, as the Cog predictor declared them."""

    model_config = ConfigDict(protected_namespaces=(), populate_by_name=True)

    prompt: str = Field(
        default='a cyberpunk cat with a neon sign that says "Sana"',
        description="Text prompt for the image",
    )
    negative_prompt: str = Field(
        default="",
        description="Things you do not want to see in the image (standard variant only)",
    )
    model_variant: Literal["standard", "sprint"] = Field(
        default="standard",
        description="standard: best quality (~20 steps); sprint: 1-4 step distilled model, much faster",
    )
    image_size: Literal[
        "square_hd",
        "square",
        "portrait_4_3",
        "portrait_16_9",
        "landscape_4_3",
        "landscape_16_9",
    ] = Field(default="square_hd", description="Size preset of the generated image")
    num_inference_steps: int = Field(
        default=18,
        description="Number of denoising steps. The sprint variant uses at most 4",
        ge=1,
        le=50,
    )
    guidance_scale: float = Field(
        default=5.0,
        description="Classifier-free guidance scale: how closely the image follows the prompt",
        ge=0.0,
        le=20.0,
    )
    num_outputs: int = Field(default=1, description="Number of images to generate", ge=1, le=4)
    seed: int | None = Field(
        default=None,
        description="Random seed. Leave blank to randomize the seed",
    )
    disable_safety_checker: bool = Field(
        default=False,
        description="Disable the safety checker for generated images",
    )


class Output(BaseModel):
    """What the Cog model returned (`List[Path]`)."""

    output: list[File]


class Sana(fal.App, name="sana"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "GPU-A100"
    requirements: ClassVar[list[str]] = [
        "torch==2.5.1",
        "torchvision==0.20.1",
        "diffusers==0.33.1",
        "transformers==4.51.3",
        "accelerate==1.6.0",
        "sentencepiece==0.2.0",
        "safetensors==0.5.3",
        "huggingface_hub[hf_transfer]==0.30.2",
        "numpy==1.26.4",
        "pillow==11.1.0",
    ]
    app_files: ClassVar[list[str]] = [
        "README.md",
        "cog2fal_cache.py",
        "cog2fal_runtime.py",
        "predict.py",
        "safety_checker.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_cache
        import cog2fal_runtime

        # What the model downloads is kept on fal's persistent volume: a runner downloads
        # it once, not at every cold start (see MIGRATION.md, "Weights and caches").
        with cog2fal_cache.persistent("sana", paths=["checkpoints"]):
            self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor")
            self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
