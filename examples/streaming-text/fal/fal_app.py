"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
`/stream` sends each item as it is produced: `data: {"output": item}` events.
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
from pathlib import Path
from typing import ClassVar

import fal
from fal.toolkit import Audio, File, Image, Video, download_file
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field


def upload(path: Path) -> File:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    media = {"image": Image, "audio": Audio, "video": Video}.get(content_type.split("/")[0], File)
    return media.from_path(path, content_type=content_type)


class Input(BaseModel):
    """Inputs of the prediction, as the Cog predictor declared them."""

    prompt: str = Field(
        default="the model",
        description="Prompt to continue; generation starts from its last known word",
    )
    max_tokens: int = Field(
        default=24,
        description="Maximum number of tokens to generate",
        ge=1,
        le=256,
    )
    temperature: float = Field(
        default=0.7,
        description="Sampling temperature; lower values pick the most frequent next word more often",
        ge=0.1,
        le=2.0,
    )
    seed: int = Field(default=42, description="Random seed for reproducible generations")


class Output(BaseModel):
    """The tokens the model produced, in order; join them for the full text."""

    output: list[str]


class OutputChunk(BaseModel):
    """One server-sent event of the stream endpoint."""

    output: str


class StreamingText(fal.App, name="streaming-text"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    app_files: ClassVar[list[str]] = [
        "README.md",
        "bigram.py",
        "cog2fal_runtime.py",
        "corpus.txt",
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
            outputs = []
            for item in self.predictor.predict(**kwargs):
                outputs.append(cog2fal_runtime.encode_output(item, upload))
            output = Output(output=outputs)
        return output

    @fal.endpoint("/stream")
    def stream(self, input: Input) -> StreamingResponse:
        """Streams each item as a server-sent event: `data: {"output": item}`."""
        import cog2fal_runtime

        def events():
            with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
                for item in self.predictor.predict(**kwargs):
                    chunk = OutputChunk(output=cog2fal_runtime.encode_output(item, upload))
                    yield f"data: {chunk.model_dump_json()}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")
