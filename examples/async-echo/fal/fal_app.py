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

    message: str = Field(
        default="hello from an async predictor",
        description="Message to echo back",
        min_length=1,
        max_length=1000,
    )
    repeat: int = Field(default=3, description="How many chunks to stream back", ge=1, le=20)
    delay: float = Field(
        default=0.05,
        description="Seconds to wait between chunks (other predictions run meanwhile)",
        ge=0.0,
        le=2.0,
    )
    uppercase: bool = Field(default=False, description="Shout the message back")


class Output(BaseModel):
    """Every item the model produced, in order."""

    output: list[str]


class OutputChunk(BaseModel):
    """One server-sent event of the stream endpoint."""

    output: str


class AsyncEcho(fal.App, name="async-echo"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    app_files: ClassVar[list[str]] = [
        "README.md",
        "cog2fal_runtime.py",
        "predict.py",
    ]
    max_multiplexing = 4  # Cog's concurrency.max

    async def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor")
        await self.predictor.setup()

    @fal.endpoint("/")
    async def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            outputs = []
            async for item in self.predictor.predict(**kwargs):
                outputs.append(cog2fal_runtime.encode_output(item, upload))
            output = Output(output=outputs)
        return output

    @fal.endpoint("/stream")
    async def stream(self, input: Input) -> StreamingResponse:
        """Streams each item as a server-sent event: `data: {"output": item}`."""
        import cog2fal_runtime

        async def events():
            with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
                async for item in self.predictor.predict(**kwargs):
                    chunk = OutputChunk(output=cog2fal_runtime.encode_output(item, upload))
                    yield f"data: {chunk.model_dump_json()}\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")
