# Prediction interface for Cog ⚙️
# https://cog.run/python

import tempfile

from cog import BasePredictor, Input, Path
from PIL import Image

from filters import apply_filter


class Predictor(BasePredictor):
    def predict(
        self,
        image: Path = Input(description="Input image"),
        filter: str = Input(
            description="Filter to apply",
            choices=[
                "blur",
                "sharpen",
                "edge_enhance",
                "contour",
                "emboss",
                "grayscale",
                "invert",
                "sepia",
                "posterize",
            ],
            default="sepia",
        ),
        strength: float = Input(
            description="How strongly the filter is blended over the original (0 = original, 1 = fully filtered)",
            default=0.8,
            ge=0.0,
            le=1.0,
        ),
        max_size: int = Input(
            description="Longest side of the output image in pixels; larger images are downscaled",
            default=1024,
            ge=16,
            le=4096,
        ),
    ) -> Path:
        """Apply a Pillow filter to an image and return it as PNG"""
        img = Image.open(image)
        img.load()
        # keep transparency when there is some, otherwise work in RGB
        img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
        if max(img.size) > max_size:
            img.thumbnail((max_size, max_size), Image.Resampling.LANCZOS)

        if img.mode == "RGBA":
            rgb, alpha = img.convert("RGB"), img.getchannel("A")
            out = apply_filter(rgb, filter, strength)
            out.putalpha(alpha)
        else:
            out = apply_filter(img, filter, strength)

        out_path = Path(tempfile.mkdtemp()) / "output.png"
        out.save(out_path, format="PNG")
        return out_path
