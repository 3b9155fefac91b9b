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


def upload(path: Path) -> File:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    media = {"image": Image, "audio": Audio, "video": Video}.get(content_type.split("/")[0], File)
    return media.from_path(path, content_type=content_type)


class Input(BaseModel):
    """Inputs of the prediction, as the Cog predictor declared them."""

    text: str = Field(
        default="The quick brown fox jumps over the lazy dog",
        description="Text to transform",
        max_length=5000,
    )
    operation: Literal[
        "uppercase",
        "lowercase",
        "title",
        "swapcase",
        "reverse",
        "reverse_words",
        "rot13",
        "word_count",
    ] = Field(default="uppercase", description="Transformation to apply to the text")
    repeat: int = Field(
        default=1,
        description="How many times to repeat the transformed text",
        ge=1,
        le=10,
    )
    separator: str = Field(default=" | ", description="Separator placed between repetitions")
    strip_whitespace: bool = Field(
        default=True,
        description="Strip leading and trailing whitespace before transforming",
    )


class Output(BaseModel):
    """What the Cog model returned (`str`)."""

    output: str


class TextTools(fal.App, name="text-tools"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    app_files: ClassVar[list[str]] = [
        "README.md",
        "cog2fal_runtime.py",
        "predict.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor")
        self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
