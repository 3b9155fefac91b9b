"""fal app converted from the Cog project `predict.py:DevPredictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
import os
from pathlib import Path
from typing import Literal

import fal
from fal import ContainerImage
from fal.toolkit import Audio, File, Image, Video, download_file
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

    prompt: str = Field(description="Prompt for generated image")
    aspect_ratio: Literal["1:1", "16:9", "2:3"] = Field(
        default="1:1",
        description="Aspect ratio for the generated image",
    )
    num_inference_steps: int = Field(
        default=28,
        description="Number of denoising steps. Recommended range is 28-50.",
        ge=1,
        le=50,
    )
    guidance: float = Field(default=3.5, description="Guidance for generated image", ge=0, le=10)
    seed: int | None = Field(
        default=None,
        description="Random seed. Set for reproducible generation",
    )
    output_format: Literal["webp", "jpg", "png"] = Field(
        default="webp",
        description="Format of the output images",
    )
    go_fast: bool = Field(
        default=True,
        description="Run faster predictions with a model optimized for speed",
    )
    megapixels: Literal["1", "0.25", "match_input"] = Field(
        default="1",
        description="Approximate number of megapixels",
    )


class Output(BaseModel):
    """What the Cog model returned (`str`)."""

    output: str


class FluxInputs(fal.App, name="flux-inputs"):
    """Serves `DevPredictor.predict()` from `predict.py`."""

    machine_type = "GPU-A100"
    image = ContainerImage.from_dockerfile_str(
        DOCKERFILE,
        context_dir=os.path.dirname(os.path.abspath(__file__)),
    )

    def setup(self) -> None:
        # The image holds the model code in /src (see the Dockerfile).
        import sys

        sys.path.insert(0, "/src")
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor("predict.py", "DevPredictor", root="/src")
        self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
