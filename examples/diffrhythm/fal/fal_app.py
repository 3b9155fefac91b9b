"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
import os
from pathlib import Path
from typing import Annotated, Literal

import fal
from fal import ContainerImage
from fal.toolkit import Audio, File, Image, Video, download_file
from pydantic import AfterValidator, BaseModel, Field, WithJsonSchema

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
RUN uv python install 3.10 && uv venv --seed --python 3.10 /opt/venv
ENV VIRTUAL_ENV=/opt/venv
ENV PATH="/opt/venv/bin:$PATH"
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update -qq && apt-get install -qqy espeak-ng ffmpeg && rm -rf /var/lib/apt/lists/*
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/requirements.txt
RUN find / -type f -name "*python*.so" -printf "%h\\n" | sort -u > /etc/ld.so.conf.d/cog.conf && ldconfig
RUN git clone https://github.com/ASLP-lab/DiffRhythm.git /DiffRhythm && cd /DiffRhythm && git checkout 139cbbb4a1aab217f88cfec1be395c527774a512
WORKDIR /src
COPY . /src
ENV PYTHONPATH=/src
RUN python -m pip install --no-cache-dir fal
"""


# Inputs the model receives as files (downloaded) or secrets, not plain values.
FILE_INPUTS = {
    "reference_audio": "path",
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

    lyrics: str = Field(
        default="[00:10.00]Morning light across the window\n[00:14.20]Coffee steam and quiet streets\n[00:18.60]Every sound is slowly waking\n[00:23.00]Like a song I used to keep\n[00:28.40]Oh, the city hums a melody\n[00:32.80]Only early risers hear\n[00:37.20]Hold it close before it fades away\n[00:41.60]Sing it while the sky is clear",
        description="Lyrics in LRC format: one line per lyric, each starting with a [mm:ss.xx] timestamp. Lines without any timestamps are spaced 4 s apart",
        max_length=10000,
    )
    reference_audio: FileUrl | None = Field(
        default=None,
        description="Reference song for the style (wav, mp3 or flac, at least 10 s). Takes precedence over style_prompt",
    )
    style_prompt: str = Field(
        default="Pop, Emotional, Piano, Female Vocals",
        description="Text description of the style, used when no reference audio is given",
    )
    duration: Literal[95, 285] = Field(default=95, description="Length of the song in seconds")
    steps: int = Field(default=32, description="Number of sampling steps", ge=10, le=100)
    cfg_strength: float = Field(
        default=4.0,
        description="Classifier-free guidance strength for the style",
        ge=1.0,
        le=10.0,
    )
    chunked_decoding: bool = Field(
        default=True,
        description="Decode the audio in chunks (uses less GPU memory, slightly slower)",
    )
    output_format: Literal["wav", "mp3"] = Field(
        default="wav",
        description="Audio format of the output",
    )
    seed: int | None = Field(
        default=None,
        description="Random seed. Leave blank to randomize the seed",
    )


class Output(BaseModel):
    """What the Cog model returned (`Path`)."""

    output: File


class Diffrhythm(fal.App, name="diffrhythm"):
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
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor", root="/src")
        self.predictor.setup()

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        import cog2fal_runtime

        with cog2fal_runtime.prepared_inputs(
            input.model_dump(), FILE_INPUTS, download_file
        ) as kwargs:
            result = self.predictor.predict(**kwargs)
            output = Output(output=cog2fal_runtime.encode_output(result, upload))
        return output
