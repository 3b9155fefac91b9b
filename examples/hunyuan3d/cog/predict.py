# Prediction interface for Cog ⚙️
# https://cog.run/python
#
# Image-to-3D with Tencent Hunyuan3D-2, proxied to a hosted API server.

import io
import os
import random
import tempfile

from cog import BasePredictor, Input, Path, Secret
from PIL import Image

from hunyuan_client import Hunyuan3DClient

API_URL = os.environ.get("HUNYUAN3D_API_URL", "https://hunyuan3d.example.com")
TIMEOUT = float(os.environ.get("HUNYUAN3D_TIMEOUT", "600"))
MAX_IMAGE_SIDE = 1024


class Predictor(BasePredictor):
    def setup(self) -> None:
        print(f"forwarding to {API_URL}")

    def predict(
        self,
        image: Path = Input(description="Image of a single object; the background is removed on the server"),
        api_token: Secret = Input(description="API token for the Hunyuan3D service"),
        octree_resolution: int = Input(
            description="Resolution of the marching-cubes grid; higher is more detailed and slower",
            choices=[256, 384, 512],
            default=256,
        ),
        num_inference_steps: int = Input(
            description="Number of diffusion steps for the shape model",
            default=30,
            ge=5,
            le=50,
        ),
        guidance_scale: float = Input(
            description="Classifier-free guidance scale",
            default=5.0,
            ge=1.0,
            le=15.0,
        ),
        seed: int = Input(
            description="Random seed. Leave blank to randomize the seed",
            default=None,
        ),
        textured_mesh: bool = Input(
            description="Also paint a texture on the mesh (slower)",
            default=False,
        ),
        face_count: int = Input(
            description="Target number of faces after simplification",
            default=40000,
            ge=1000,
            le=200000,
        ),
    ) -> Path:
        """Generate a GLB mesh from an image"""
        if seed is None:
            seed = random.randint(0, 2**31 - 1)
        print(f"Using seed: {seed}")

        # send a reasonably sized PNG regardless of what the user uploaded
        img = Image.open(image).convert("RGBA")
        img.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
        buf = io.BytesIO()
        img.save(buf, format="PNG")

        client = Hunyuan3DClient(API_URL, api_token.get_secret_value(), timeout=TIMEOUT)
        glb = client.generate(
            buf.getvalue(),
            {
                "octree_resolution": octree_resolution,
                "num_inference_steps": num_inference_steps,
                "guidance_scale": guidance_scale,
                "seed": seed,
                "texture": textured_mesh,
                "face_count": face_count,
                "type": "glb",
            },
        )

        out = Path(tempfile.mkdtemp()) / "mesh.glb"
        out.write_bytes(glb)
        return out
