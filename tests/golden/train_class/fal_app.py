"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
`/train` runs the Cog trainer.
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
from pathlib import Path
from typing import Annotated, ClassVar

import fal
from fal.toolkit import Audio, File, Image, Video, download_file
from pydantic import AfterValidator, BaseModel, Field, SecretStr, WithJsonSchema

# Inputs the model receives as files (downloaded) or secrets, not plain values.
TRAINING_FILE_INPUTS = {
    "token": "secret",
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

    word: str = Field(description="Word to look up")


class Output(BaseModel):
    """What the Cog model returned (`float`)."""

    output: float


class TrainingInput(BaseModel):
    """Inputs of a training run (Cog's `train:`)."""

    examples: str = Field(description="Comma-separated words to memorise")
    epochs: int = Field(default=1, description="Number of epochs", ge=1, le=5)
    token: SecretStr = None


class TrainingOutput(BaseModel):
    """`TrainingOutput` of the Cog model, with files as fal File objects."""

    weights: File


class TrainClass(fal.App, name="train-class"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    requirements: ClassVar[list[str]] = [
        "huggingface_hub==0.23.4",
    ]
    app_files: ClassVar[list[str]] = [
        "cog2fal_cache.py",
        "cog2fal_runtime.py",
        "predict.py",
        "trainer.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_cache
        import cog2fal_runtime

        # What the model downloads is kept on fal's persistent volume: a runner downloads
        # it once, not at every cold start (see MIGRATION.md, "Weights and caches").
        with cog2fal_cache.persistent("train-class") as cache:
            self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor")
            self.predictor.setup(cache.cog_weights(download_file))
            self.trainer = cog2fal_runtime.load_predictor("trainer.py", "Trainer")
            self.trainer.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output

    @fal.endpoint("/train")
    def train(self, input: TrainingInput) -> TrainingOutput:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(
            input.model_dump(), TRAINING_FILE_INPUTS, download_file
        ) as kwargs:
            result = self.trainer.train(**kwargs)
            output = TrainingOutput.model_validate(cog2fal_runtime.encode_output(result, upload))
        return output
