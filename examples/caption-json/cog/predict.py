# Prediction interface for Cog ⚙️
# https://cog.run/python

import tempfile
from typing import List, Optional

from cog import BaseModel, BasePredictor, Input, Path
from PIL import Image

from describe import describe


class Output(BaseModel):
    caption: str
    width: int
    height: int
    dominant_color: str
    tags: List[str]
    thumbnail: Optional[Path]


class Predictor(BasePredictor):
    def predict(
        self,
        image: Path = Input(description="Image to describe"),
        detail: str = Input(
            description="Caption length",
            choices=["short", "long"],
            default="short",
        ),
        include_thumbnail: bool = Input(
            description="Also return a JPEG thumbnail of the image",
            default=True,
        ),
        thumbnail_size: int = Input(
            description="Longest side of the thumbnail in pixels",
            default=128,
            ge=16,
            le=512,
        ),
    ) -> Output:
        """Caption an image and return structured metadata"""
        img = Image.open(image)
        img.load()
        caption, color, tags = describe(img, detail)

        thumbnail = None
        if include_thumbnail:
            thumb = img.convert("RGB")
            thumb.thumbnail((thumbnail_size, thumbnail_size), Image.Resampling.BICUBIC)
            thumbnail = Path(tempfile.mkdtemp()) / "thumbnail.jpg"
            thumb.save(thumbnail, format="JPEG", quality=90)

        return Output(
            caption=caption,
            width=img.width,
            height=img.height,
            dominant_color=color,
            tags=tags,
            thumbnail=thumbnail,
        )
