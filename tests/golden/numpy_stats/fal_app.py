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

    values: list[float] = Field(description="Numbers to summarise")
    ddof: Literal[0, 1] = Field(default=0, description="Delta degrees of freedom for std")


class Output(BaseModel):
    """What the Cog model returned (`List[float]`)."""

    output: list[float]


class NumpyStats(fal.App, name="numpy-stats"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    requirements: ClassVar[list[str]] = [
        "numpy==1.26.4",
    ]
    app_files: ClassVar[list[str]] = [
        "cog2fal_runtime.py",
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

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
