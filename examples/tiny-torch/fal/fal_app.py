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

    values: str = Field(
        default="0.5, -1.0, 2.0, 0.25",
        description="Numbers to run through the network, separated by commas, spaces or semicolons",
    )
    activation: Literal["tanh", "relu", "sigmoid"] = Field(
        default="tanh",
        description="Hidden-layer activation",
    )
    scale: float = Field(
        default=1.0,
        description="Multiply the inputs by this factor before the forward pass",
        ge=-10.0,
        le=10.0,
    )
    decimals: int = Field(
        default=4,
        description="Round the outputs to this many decimal places",
        ge=0,
        le=6,
    )


class Output(BaseModel):
    """What the Cog model returned (`List[float]`)."""

    output: list[float]


class TinyTorch(fal.App, name="tiny-torch"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    requirements: ClassVar[list[str]] = [
        "torch==2.13.0",
    ]
    app_files: ClassVar[list[str]] = [
        "README.md",
        "cog2fal_cache.py",
        "cog2fal_runtime.py",
        "make_weights.py",
        "model.py",
        "predict.py",
        "weights/",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_cache
        import cog2fal_runtime

        # What the model downloads is kept on fal's persistent volume: a runner downloads
        # it once, not at every cold start (see MIGRATION.md, "Weights and caches").
        with cog2fal_cache.persistent("tiny-torch") as cache:
            self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor")
            self.predictor.setup(cache.cog_weights(download_file))

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
