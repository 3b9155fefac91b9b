"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
import os
from pathlib import Path

import fal
from fal import ContainerImage
from fal.toolkit import Audio, File, Image, Video, download_file
from pydantic import BaseModel, Field

# The Cog build environment, cleaned of Cog's runtime (see MIGRATION.md).
DOCKERFILE = """\
#syntax=docker/dockerfile:1.4
FROM python:3.11-slim
ENV DEBIAN_FRONTEND=noninteractive
ENV PYTHONUNBUFFERED=1
ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:/usr/local/nvidia/bin
ENV NVIDIA_DRIVER_CAPABILITIES=all
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy --no-install-recommends curl ca-certificates git && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy jq && rm -rf /var/lib/apt/lists/*
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

    document: str = Field(
        default='{"models": [{"name": "kokoro", "params_m": 82}, {"name": "sana", "params_m": 1600}]}',
        description="A JSON document",
        max_length=100000,
    )
    query: str = Field(default=".models | map(.name)", description="A jq filter")
    compact: bool = Field(default=True, description="One result per line, without indentation")
    raw: bool = Field(default=False, description="Print strings without quotes (jq --raw-output)")
    sort_keys: bool = Field(default=False, description="Sort the keys of every object")


class Output(BaseModel):
    """What the Cog model returned (`str`)."""

    output: str


class JsonQuery(fal.App, name="json-query"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    image = ContainerImage.from_dockerfile_str(
        DOCKERFILE,
        context_dir=os.path.dirname(os.path.abspath(__file__)),
    )

    def setup(self) -> None:
        # The image holds the model code in /src (see the Dockerfile).
        import sys

        sys.path.insert(0, "/src")
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor", root="/src")
        self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
