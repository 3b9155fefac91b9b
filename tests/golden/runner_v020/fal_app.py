"""fal app converted from the Cog project `run.py:Runner` by cog2fal 0.1.0.

Responses carry the fields of the Cog model's output class;
files come back as fal File objects (url, content_type, file_name, file_size).
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
from pathlib import Path
from typing import Any, ClassVar

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

    text: str = Field(description="Text to analyse")
    drop_stopwords: bool = Field(default=True, description="Ignore 'the', 'a', 'an'")
    top_k: int = Field(default=3, description="How many words to return", ge=1, le=20)


class Output(BaseModel):
    """`Output` of the Cog model, with files as fal File objects."""

    top_word: str
    counts: dict[str, Any]
    distinct: int


class RunnerV020(fal.App, name="runner-v020"):
    """Serves `Runner.run()` from `run.py`."""

    machine_type = "S"
    app_files: ClassVar[list[str]] = [
        "cog2fal_cache.py",
        "cog2fal_runtime.py",
        "requirements.txt",
        "run.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_cache
        import cog2fal_runtime

        # What the model downloads is kept on fal's persistent volume: a runner downloads
        # it once, not at every cold start (see MIGRATION.md, "Weights and caches").
        with cog2fal_cache.persistent("runner-v020") as cache:
            self.predictor = cog2fal_runtime.load_predictor("run.py", "Runner")
            self.predictor.setup(cache.cog_weights(download_file))

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.run(**kwargs)
            output = Output.model_validate(cog2fal_runtime.encode_output(result, upload))
        return output
