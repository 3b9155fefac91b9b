"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

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
FROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04
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
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy libgl1 libglib2.0-0 && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/requirements.txt
RUN find / -type f -name "*python*.so" -printf "%h\\n" | sort -u > /etc/ld.so.conf.d/cog.conf && ldconfig
RUN curl -o /usr/local/bin/pget -L "https://github.com/replicate/pget/releases/download/v0.8.2/pget_linux_x86_64" && chmod +x /usr/local/bin/pget
RUN git clone https://github.com/Wan-Video/Wan2.1.git /Wan2.1 && cd /Wan2.1 && git checkout 1fea12c31268ca58cf337e8b5088794ee0a46334
RUN pip install "https://github.com/Dao-AILab/flash-attention/releases/download/v2.7.3/flash_attn-2.7.3+cu12torch2.5cxx11abiFALSE-cp311-cp311-linux_x86_64.whl"
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

    prompt: str = Field(
        default="Two anthropomorphic cats in comfy boxing gear and bright gloves fight intensely on a spotlighted stage.",
        description="Text prompt describing the video",
    )
    negative_prompt: str = Field(
        default="",
        description="What to avoid in the video. Leave blank to use Wan's default negative prompt",
    )
    resolution: Literal["480p", "720p"] = Field(
        default="480p",
        description="Video resolution. The 1.3B model is trained at 480p; 720p works but is less stable",
    )
    aspect_ratio: Literal["16:9", "9:16"] = Field(
        default="16:9",
        description="Aspect ratio of the video",
    )
    num_frames: int = Field(
        default=81,
        description="Number of frames (16 fps; rounded to the nearest 4n+1). 81 frames is about 5 seconds",
        ge=17,
        le=81,
    )
    sample_steps: int = Field(default=30, description="Number of denoising steps", ge=1, le=60)
    guide_scale: float = Field(
        default=6.0,
        description="Classifier-free guidance scale",
        ge=0.0,
        le=20.0,
    )
    sample_shift: float = Field(
        default=8.0,
        description="Flow-matching sampling shift; 8-12 works best for the 1.3B model",
        ge=1.0,
        le=20.0,
    )
    seed: int | None = Field(
        default=None,
        description="Random seed. Leave blank to randomize the seed",
    )
    enable_prompt_expansion: bool = Field(
        default=False,
        description="Rewrite the prompt into a detailed one with Qwen2.5 before generating",
    )


class Output(BaseModel):
    """What the Cog model returned (`Path`)."""

    output: File


class Wan(fal.App, name="wan"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "GPU-A100"
    image = ContainerImage.from_dockerfile_str(
        DOCKERFILE,
        context_dir=os.path.dirname(os.path.abspath(__file__)),
    )

    def setup(self) -> None:
        # The image holds the model code in /src (see the Dockerfile).
        import sys

        sys.path.insert(0, "/src")
        import cog2fal_cache
        import cog2fal_runtime

        # What the model downloads is kept on fal's persistent volume: a runner downloads
        # it once, not at every cold start (see MIGRATION.md, "Weights and caches").
        with cog2fal_cache.persistent(
            "wan",
            base="/src",
            paths=["Qwen2.5-3B-Instruct", "Wan2.1-T2V-1.3B"],
            pget=True,
        ):
            self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor", root="/src")
            self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(input.model_dump(), {}, download_file) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
