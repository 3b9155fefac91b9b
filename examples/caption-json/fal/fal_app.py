"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses carry the fields of the Cog model's output class;
files come back as fal File objects (url, content_type, file_name, file_size).
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import fal
from fal.toolkit import Audio, File, Image, Video, download_file
from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

# Inputs the model receives as files (downloaded) or secrets, not plain values.
FILE_INPUTS = {
    "image": "path",
}


def _file_url(value: str) -> str:
    if not value.startswith(("http://", "https://", "data:")):
        raise ValueError("must be an http(s):// or data: URL")
    return value


# Files are passed as URLs, as on Replicate; the schema says `format: uri` like Cog's.
FileUrl = Annotated[
    str, AfterValidator(_file_url), WithJsonSchema({"type": "string", "format": "uri"})
]


def upload(path: Path) -> File:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    media = {"image": Image, "audio": Audio, "video": Video}.get(content_type.split("/")[0], File)
    return media.from_path(path, content_type=content_type)


class Input(BaseModel):
    """Inputs of the prediction, as the Cog predictor declared them."""

    image: FileUrl = Field(description="Image to describe")
    detail: Literal["short", "long"] = Field(default="short", description="Caption length")
    include_thumbnail: bool = Field(
        default=True,
        description="Also return a JPEG thumbnail of the image",
    )
    thumbnail_size: int = Field(
        default=128,
        description="Longest side of the thumbnail in pixels",
        ge=16,
        le=512,
    )


class Output(BaseModel):
    """`Output` of the Cog model, with files as fal File objects."""

    caption: str
    width: int
    height: int
    dominant_color: str
    tags: list[str]
    thumbnail: File | None = None


class CaptionJson(fal.App, name="caption-json"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    requirements: ClassVar[list[str]] = [
        "pillow==13.0.0",
        "numpy==2.4.6",
    ]
    app_files: ClassVar[list[str]] = [
        "README.md",
        "cog2fal_runtime.py",
        "describe.py",
        "predict.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor")

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(
            input.model_dump(), FILE_INPUTS, download_file
        ) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output.model_validate(cog2fal_runtime.encode_output(result, upload))
        return output
