# Prediction interface for Cog ⚙️
# https://cog.run/python

import tempfile
from typing import List, Optional

from cog2fal_runtime import BaseModel
from pathlib import Path
from PIL import Image

from describe import describe


class Output(BaseModel):
    caption: str
    width: int
    height: int
    dominant_color: str
    tags: List[str]
    thumbnail: Optional[Path]


class Predictor:
    def predict(
        self,
        image: Path,
        detail: str = "short",
        include_thumbnail: bool = True,
        thumbnail_size: int = 128,
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
