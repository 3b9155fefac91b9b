"""fal app converted from the Cog project `predict.py:DevPredictor` by cog2fal 0.1.0.

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


def upload(path: Path) -> File:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    media = {"image": Image, "audio": Audio, "video": Video}.get(content_type.split("/")[0], File)
    return media.from_path(path, content_type=content_type)


class Input(BaseModel):
    """Inputs of the prediction, as the Cog predictor declared them."""

    prompt: str = Field(description="Prompt for generated image")
    aspect_ratio: Literal["1:1", "16:9", "2:3"] = Field(
        default="1:1",
        description="Aspect ratio for the generated image",
    )
    num_inference_steps: int = Field(
        default=28,
        description="Number of denoising steps. Recommended range is 28-50.",
        ge=1,
        le=50,
    )
    guidance: float = Field(default=3.5, description="Guidance for generated image", ge=0, le=10)
    seed: int | None = Field(
        default=None,
        description="Random seed. Set for reproducible generation",
    )
    output_format: Literal["webp", "jpg", "png"] = Field(
        default="webp",
        description="Format of the output images",
    )
    output_quality: int = Field(
        default=80,
        description="Quality when saving the output images, from 0 to 100",
        ge=0,
        le=100,
    )
    go_fast: bool = Field(
        default=True,
        description="Run faster predictions with a model optimized for speed",
    )
    megapixels: Literal["1", "0.25", "match_input"] = Field(
        default="1",
        description="Approximate number of megapixels",
    )


class Output(BaseModel):
    """What the Cog model returned (`str`)."""

    output: str


class FluxInputs(fal.App, name="flux-inputs"):
    """Serves `DevPredictor.predict()` from `predict.py`."""

    machine_type = "GPU-A100"
    app_files: ClassVar[list[str]] = [
        "cog2fal_runtime.py",
        "predict.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor("predict.py", "DevPredictor")
        self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
