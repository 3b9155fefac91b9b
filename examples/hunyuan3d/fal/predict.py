# Prediction interface for Cog ⚙️
# https://cog.run/python
#
# Image-to-3D with Tencent Hunyuan3D-2, proxied to a hosted API server.

import io
import os
import random
import tempfile

from typing import Optional
from pathlib import Path
from cog2fal_runtime import Secret
from PIL import Image

from hunyuan_client import Hunyuan3DClient

API_URL = os.environ.get("HUNYUAN3D_API_URL", "https://hunyuan3d.example.com")
TIMEOUT = float(os.environ.get("HUNYUAN3D_TIMEOUT", "600"))
MAX_IMAGE_SIDE = 1024


class Predictor:
    def setup(self) -> None:
        print(f"forwarding to {API_URL}")

    def predict(
        self,
        image: Path,
        api_token: Secret,
        octree_resolution: int = 256,
        num_inference_steps: int = 30,
        guidance_scale: float = 5.0,
        seed: Optional[int] = None,
        textured_mesh: bool = False,
        face_count: int = 40000,
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
