"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
`/stream` sends each item as it is produced: `data: {"output": item}` events.
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
import os
from pathlib import Path

import fal
from fal import ContainerImage
from fal.toolkit import Audio, File, Image, Video, download_file
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

# The Cog build environment, cleaned of Cog's runtime (see MIGRATION.md).
DOCKERFILE = """\
#syntax=docker/dockerfile:1.4
FROM nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04
ENV DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED=1
ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:/usr/local/nvidia/bin
ENV NVIDIA_DRIVER_CAPABILITIES=all
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy --no-install-recommends curl ca-certificates git && rm -rf /var/lib/apt/lists/*
COPY --from=ghcr.io/astral-sh/uv:0.9.26 /uv /uvx /usr/local/bin/
ENV UV_PYTHON_INSTALL_DIR=/opt/uv/python
RUN uv python install 3.11 && uv venv --seed --python 3.11 /opt/venv
ENV VIRTUAL_ENV=/opt/venv
ENV PATH="/opt/venv/bin:$PATH"
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/requirements.txt
RUN find / -type f -name "*python*.so" -printf "%h\\n" | sort -u > /etc/ld.so.conf.d/cog.conf && ldconfig
WORKDIR /src
COPY . /src
ENV PYTHONPATH=/src
RUN python -m pip install --no-cache-dir fal
"""


def upload(path: Path) -> File:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    media = {"image": Image, "audio": Audio, "video": Video}.get(content_type.split("/")[0], File)
    return media.from_path(path, content_type=content_type)


class Input(BaseModel):
    """Inputs of the prediction, as the Cog predictor declared them."""

    prompt: str = Field(description="Prompt")
    max_tokens: int = Field(default=16, description="Maximum number of tokens", ge=1, le=512)
    uppercase: bool = Field(default=False, description="Upper-case every token")


class Output(BaseModel):
    """The tokens the model produced, in order; join them for the full text."""

    output: list[str]


class OutputChunk(BaseModel):
    """One server-sent event of the stream endpoint."""

    output: str


class AsyncStreamWarmup(fal.App, name="async-stream-warmup"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "GPU-A100"
    image = ContainerImage.from_dockerfile_str(
        DOCKERFILE,
        context_dir=os.path.dirname(os.path.abspath(__file__)),
    )
    max_multiplexing = 8  # Cog's concurrency.max

    async def setup(self) -> None:
        # The image holds the model code in /src (see the Dockerfile).
        import sys

        sys.path.insert(0, "/src")
        import cog2fal_cache
        import cog2fal_runtime

        # What the model downloads is kept on fal's persistent volume: a runner downloads
        # it once, not at every cold start (see MIGRATION.md, "Weights and caches").
        with cog2fal_cache.persistent("async-stream-warmup", base="/src") as cache:
            self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor", root="/src")
            await self.predictor.setup(cache.cog_weights(download_file))

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
