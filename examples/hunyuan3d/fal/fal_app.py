"""fal app converted from the Cog project `predict.py:Predictor` by cog2fal 0.1.0.

Responses are `{"output": ...}`, holding what the Cog predictor returned;
files come back as fal File objects (url, content_type, file_name, file_size).
See MIGRATION.md for what changed and what to check before `fal deploy`.
"""

import mimetypes
from pathlib import Path
from typing import Annotated, ClassVar, Literal

import fal
from fal.toolkit import Audio, File, Image, Video, download_file
from pydantic import AfterValidator, BaseModel, Field, SecretStr, WithJsonSchema

# cog.yaml `environment`, set on the runner before the model code loads.
ENVIRONMENT = {
    "HUNYUAN3D_API_URL": "https://hunyuan3d.example.com",
    "HUNYUAN3D_TIMEOUT": "600",
}


# Inputs the model receives as files (downloaded) or secrets, not plain values.
FILE_INPUTS = {
    "image": "path",
    "api_token": "secret",
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

    image: FileUrl = Field(
        description="Image of a single object; the background is removed on the server",
    )
    api_token: SecretStr = Field(description="API token for the Hunyuan3D service")
    octree_resolution: Literal[256, 384, 512] = Field(
        default=256,
        description="Resolution of the marching-cubes grid; higher is more detailed and slower",
    )
    num_inference_steps: int = Field(
        default=30,
        description="Number of diffusion steps for the shape model",
        ge=5,
        le=50,
    )
    guidance_scale: float = Field(
        default=5.0,
        description="Classifier-free guidance scale",
        ge=1.0,
        le=15.0,
    )
    seed: int | None = Field(
        default=None,
        description="Random seed. Leave blank to randomize the seed",
    )
    textured_mesh: bool = Field(
        default=False,
        description="Also paint a texture on the mesh (slower)",
    )
    face_count: int = Field(
        default=40000,
        description="Target number of faces after simplification",
        ge=1000,
        le=200000,
    )


class Output(BaseModel):
    """What the Cog model returned (`Path`)."""

    output: File


class Hunyuan3d(fal.App, name="hunyuan3d"):
    """Serves `Predictor.predict()` from `predict.py`."""

    machine_type = "S"
    requirements: ClassVar[list[str]] = [
        "requests==2.32.3",
        "pillow==11.1.0",
    ]
    app_files: ClassVar[list[str]] = [
        "README.md",
        "cog2fal_runtime.py",
        "hunyuan_client.py",
        "predict.py",
    ]

    def setup(self) -> None:
        # Runs on the runner: the model code ships with the app (app_files) and is
        # imported from its own folder, as under Cog's /src, so its module-level code
        # runs here.
        import cog2fal_runtime

        self.predictor = cog2fal_runtime.load_predictor(
            "predict.py",
            "Predictor",
            environment=ENVIRONMENT,
        )
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
