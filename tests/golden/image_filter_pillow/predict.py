import tempfile

from pathlib import Path

FILTERS = {
    "invert": "Invert the colours",
    "grayscale": "Convert to black and white",
    "mirror": "Flip left to right",
}


class Predictor:
    def setup(self):
        from PIL import Image  # heavy import kept inside setup

        self.Image = Image

    def predict(
        self,
        image: Path,
        filter: str = "invert",
        output_format: str = "png",
    ) -> Path:
        from PIL import ImageOps

        img = self.Image.open(str(image)).convert("RGB")
        if filter == "invert":
            img = ImageOps.invert(img)
        elif filter == "grayscale":
            img = ImageOps.grayscale(img)
        else:
            img = ImageOps.mirror(img)
        out = Path(tempfile.mkdtemp()) / f"out.{output_format}"
        fmt = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[output_format]
        img.save(str(out), format=fmt)
        return out
