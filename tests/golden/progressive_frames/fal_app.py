"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
`/stream` sends each item as it is produced: `data: {"output": item}` events.
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
from pathlib import Path
from typing import ClassVar, Literal

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

    steps: int = Field(default=3, description="Denoising steps; one preview per step", ge=1, le=10)
    size: Literal[8, 16, 32] = Field(default=8, description="Image side in pixels")


class Output(BaseModel):
    """Every item the model produced, in order."""

    output: list[File]


class OutputChunk(BaseModel):
    """One server-sent event of the stream endpoint."""

    output: File


class ProgressiveFrames(fal.App, name="progressive-frames"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "GPU-A100"
    requirements: ClassVar[list[str]] = [
        "torch==2.1.2",
        "diffusers==0.27.2",
    ]
    app_files: ClassVar[list[str]] = [
        "cog2fal_runtime.py",
        "predict.py",
        "preview_png.py",
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
