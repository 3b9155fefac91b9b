"""Hand-written "captioning": describe an image from simple pixel statistics."""

from typing import List, Tuple

import numpy as np
from PIL import Image

PALETTE = {
    "black": (0, 0, 0),
    "white": (255, 255, 255),
    "gray": (128, 128, 128),
    "red": (200, 30, 30),
    "orange": (240, 140, 20),
    "yellow": (240, 220, 40),
    "green": (40, 160, 60),
    "teal": (20, 150, 150),
    "blue": (40, 80, 200),
    "purple": (130, 50, 160),
    "pink": (240, 130, 180),
    "brown": (120, 80, 40),
}


def nearest_color(rgb: Tuple[float, float, float]) -> str:
    r, g, b = rgb
    return min(
        sorted(PALETTE),
        key=lambda name: (PALETTE[name][0] - r) ** 2 + (PALETTE[name][1] - g) ** 2 + (PALETTE[name][2] - b) ** 2,
    )


def describe(img: Image.Image, detail: str) -> Tuple[str, str, List[str]]:
    """Return (caption, dominant color name, tags)."""
    arr = np.asarray(img.convert("RGB"), dtype=np.float64)
    mean = tuple(float(v) for v in arr.reshape(-1, 3).mean(axis=0))
    luminance = 0.299 * mean[0] + 0.587 * mean[1] + 0.114 * mean[2]
    contrast = float(arr.std())
    color = nearest_color(mean)

    w, h = img.size
    if w > h * 1.1:
        orientation = "landscape"
    elif h > w * 1.1:
        orientation = "portrait"
    else:
        orientation = "square"
    brightness = "dark" if luminance < 85 else "bright" if luminance > 170 else "mid-tone"
    texture = "busy" if contrast > 60 else "smooth"

    tags = [orientation, brightness, texture, color]
    caption = f"A {brightness}, mostly {color} {orientation} image"
    if detail == "long":
        caption += (
            f" of {w}x{h} pixels with {texture} texture"
            f" (mean RGB {mean[0]:.0f}, {mean[1]:.0f}, {mean[2]:.0f}; contrast {contrast:.1f})"
        )
    return caption + ".", color, tags
