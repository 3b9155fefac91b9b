# Prediction interface for Cog ⚙️
# https://cog.run/python

import tempfile

from pathlib import Path
from PIL import Image

from filters import apply_filter


class Predictor:
    def predict(
        self,
        image: Path,
        filter: str = "sepia",
        strength: float = 0.8,
        max_size: int = 1024,
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
