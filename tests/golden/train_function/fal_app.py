"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
`/train` runs the Cog trainer.
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
import os
from pathlib import Path
from typing import Annotated

import fal
from fal import ContainerImage
from fal.toolkit import Audio, File, Image, Video, download_file
from pydantic import AfterValidator, BaseModel, Field, SecretStr, WithJsonSchema

# The Cog build environment, cleaned of Cog's runtime (see MIGRATION.md).
DOCKERFILE = """\
#syntax=docker/dockerfile:1.4
FROM nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04
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
COPY requirements.txt /tmp/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/requirements.txt
RUN find / -type f -name "*python*.so" -printf "%h\\n" | sort -u > /etc/ld.so.conf.d/cog.conf && ldconfig
WORKDIR /src
COPY . /src
ENV PYTHONPATH=/src
RUN python -m pip install --no-cache-dir fal
"""


# Inputs the model receives as files (downloaded) or secrets, not plain values.
TRAINING_FILE_INPUTS = {
    "train_data": "path",
    "hf_token": "secret",
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

    prompt: str = Field(description="Prompt; words outside the vocabulary are masked")


class Output(BaseModel):
    """What the Cog model returned (`str`)."""

    output: str


class TrainingInput(BaseModel):
    """Inputs of a training run (Cog's `train:`)."""

    train_data: FileUrl = Field(description="Text file; one training example per line")
    learning_rate: float = Field(default=0.0001, description="Learning rate", ge=1e-06, le=0.01)
    steps: int = Field(default=10, description="Training steps", ge=1, le=1000)
    hf_token: SecretStr | None = Field(
        default=None,
        description="Hugging Face token used to push the adapter",
    )


class TrainingOutput(BaseModel):
    """`TrainingOutput` of the Cog model, with files as fal File objects."""

    weights: File


class TinyLora(fal.App, name="tiny-lora"):
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
        with cog2fal_cache.persistent("tiny-lora", base="/src") as cache:
            self.predictor = cog2fal_runtime.load_predictor("predict.py", "Predictor", root="/src")
            self.predictor.setup(cache.cog_weights(download_file))
            self.trainer = cog2fal_runtime.load_predictor("train.py", "train", root="/src")

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
            result = self.trainer(**kwargs)
            output = TrainingOutput.model_validate(cog2fal_runtime.encode_output(result, upload))
        return output
