"""Image filters used by the predictor. Pure Pillow, deterministic."""

from PIL import Image, ImageFilter, ImageOps


def _sepia(img: Image.Image) -> Image.Image:
    gray = ImageOps.grayscale(img)
    return ImageOps.colorize(gray, black="#2e1f0f", white="#f5e6c8", mid="#a0785a")


def _posterize(img: Image.Image) -> Image.Image:
    return ImageOps.posterize(img, 3)


FILTERS = {
    "blur": lambda img: img.filter(ImageFilter.GaussianBlur(radius=4)),
    "sharpen": lambda img: img.filter(ImageFilter.SHARPEN),
    "edge_enhance": lambda img: img.filter(ImageFilter.EDGE_ENHANCE_MORE),
    "contour": lambda img: img.filter(ImageFilter.CONTOUR),
    "emboss": lambda img: img.filter(ImageFilter.EMBOSS),
    "grayscale": lambda img: ImageOps.grayscale(img).convert("RGB"),
    "invert": ImageOps.invert,
    "sepia": _sepia,
    "posterize": _posterize,
}


def apply_filter(img: Image.Image, name: str, strength: float) -> Image.Image:
    """Apply filter `name` and blend it with the original by `strength` (0..1)."""
    filtered = FILTERS[name](img).convert(img.mode)
    if strength >= 1.0:
        return filtered
    return Image.blend(img, filtered, strength)
