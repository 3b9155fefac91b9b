"""Comparing what Cog returned with what the fal app returned, value by value.

The two platforms encode the same result differently, and these rules say when two encodings
mean the same thing:

- **Files.** Cog returns a `data:<mime>;base64,...` URI (no `--upload-url`); fal returns a File
  object `{"url": "data:...", "content_type": ..., "file_name": ..., "file_size": ...}` (uploads
  are in memory offline). Compared: the content type (Cog's from the URI, fal's
  `content_type`), then the bytes. When the bytes differ, images are compared by decoded
  pixels (Pillow, when installed; lossless formats must match exactly, JPEG/WebP within ±2 per
  channel) and WAV audio by decoded samples (stdlib `wave`), since encoders vary; other files
  must be byte-identical.
- **Text** must be identical; **numbers** equal within rel 1e-6 / abs 1e-9 (`1 == 1.0`), but
  a boolean is never a number; **lists** item by item (same length); **objects** key by key
  (a key only one side has is a difference).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from typing import Any

from cog2fal.verify import media

REL_TOL = 1e-6
ABS_TOL = 1e-9
LOSSY_TOLERANCE = 2
_LOSSY = {"image/jpeg", "image/jpg", "image/webp"}
_WAV = {"audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"}


# Spellings of one media type that platforms and Python versions pick differently (Python's
# mimetypes says audio/x-wav for .wav, Cog's Rust runtime audio/wav): a note, not a mismatch.
_ALIASES = {
    "audio/x-wav": "audio/wav", "audio/wave": "audio/wav", "audio/vnd.wave": "audio/wav",
    "audio/x-pn-wav": "audio/wav", "image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg",
    "audio/mp3": "audio/mpeg", "audio/x-mp3": "audio/mpeg", "audio/x-flac": "audio/flac",
    "video/x-m4v": "video/mp4", "audio/x-m4a": "audio/mp4", "audio/m4a": "audio/mp4",
    "image/x-png": "image/png", "model/gltf-binary": "model/gltf-binary",
    "application/x-javascript": "application/javascript", "text/x-python": "text/x-python",
}


def same_media_type(a: str, b: str) -> bool:
    return _ALIASES.get(a, a) == _ALIASES.get(b, b)


@dataclass
class Mismatch:
    where: str  # a path in the output: `output`, `output[2]`, `thumbnail.content_type`
    what: str  # which property differs
    cog: Any
    fal: Any
    benign: bool = False  # reported as a note; the outputs still match

    def as_json(self) -> dict[str, Any]:
        return {"where": self.where, "what": self.what, "cog": brief(self.cog), "fal": brief(self.fal),
                "benign": self.benign}


def brief(value: Any, limit: int = 120) -> Any:
    """A value fit for a table cell or a JSON report: long strings and data URLs shortened."""
    if isinstance(value, str):
        if media.is_data_url(value):
            head = value.split(",", 1)[0]
            return f"{head},…<{len(value)} chars>"
        return value if len(value) <= limit else value[: limit - 20] + f"…<{len(value)} chars>"
    if isinstance(value, dict):
        return {k: brief(v, limit) for k, v in value.items()}
    if isinstance(value, list):
        return [brief(v, limit) for v in value[:20]] + ([f"…<{len(value)} items>"] if len(value) > 20 else [])
    return value


def compare(cog: Any, fal: Any, where: str = "output") -> list[Mismatch]:
    """Every difference between a Cog value and the fal value that should mean the same."""
    if media.is_data_url(cog) and _is_fal_file(fal):
        return compare_files(cog, fal, where)
    if isinstance(cog, bool) or isinstance(fal, bool):
        if type(cog) is type(fal) and cog == fal:
            return []
        return [Mismatch(where, "value", cog, fal)]
    if _is_number(cog) and _is_number(fal):
        if math.isclose(cog, fal, rel_tol=REL_TOL, abs_tol=ABS_TOL) or (_nan(cog) and _nan(fal)):
            return []
        return [Mismatch(where, "number", cog, fal)]
    if isinstance(cog, str) and isinstance(fal, str):
        return [] if cog == fal else [Mismatch(where, _text_difference(cog, fal), cog, fal)]
    if isinstance(cog, list) and isinstance(fal, list):
        found = []
        if len(cog) != len(fal):
            found.append(Mismatch(where, "length", len(cog), len(fal)))
        for index, (a, b) in enumerate(zip(cog, fal, strict=False)):
            found.extend(compare(a, b, f"{where}[{index}]"))
        return found
    if isinstance(cog, dict) and isinstance(fal, dict):
        found = []
        for key in cog:
            if key not in fal:
                found.append(Mismatch(f"{where}.{key}", "key only in Cog's output", cog[key], None))
            else:
                found.extend(compare(cog[key], fal[key], f"{where}.{key}"))
        found.extend(Mismatch(f"{where}.{key}", "key only in fal's output", None, fal[key])
                     for key in fal if key not in cog)
        return found
    if cog is None and fal is None:
        return []
    return [Mismatch(where, "type", _kind(cog), _kind(fal))]


def _is_fal_file(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("url"), str) and "content_type" in value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _nan(value: float) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _kind(value: Any) -> str:
    if media.is_data_url(value):
        return "file (data: URL)"
    if _is_fal_file(value):
        return "file (File object)"
    return {type(None): "null", bool: "boolean", int: "number", float: "number", str: "string",
            list: "list", dict: "object"}.get(type(value), type(value).__name__)


def _text_difference(cog: str, fal: str) -> str:
    index = next((i for i, (a, b) in enumerate(zip(cog, fal, strict=False)) if a != b),
                 min(len(cog), len(fal)))
    return f"text (first difference at character {index})"


# ----------------------------------------------------------------------------- files


def _file_bytes(url: str) -> tuple[bytes, str] | None:
    if media.is_data_url(url):
        return media.decode_data_url(url)
    return None


def compare_files(cog_url: str, fal_file: dict[str, Any], where: str) -> list[Mismatch]:
    cog_bytes, cog_type = media.decode_data_url(cog_url)
    fal_type = str(fal_file.get("content_type") or "").split(";")[0].strip().lower()
    found: list[Mismatch] = []
    if cog_type != fal_type:
        alias = same_media_type(cog_type, fal_type)
        found.append(Mismatch(f"{where}.content_type", "content type (another name for the same type)"
                              if alias else "content type", cog_type, fal_type, benign=alias))
    fetched = _file_bytes(fal_file["url"])
    if fetched is None:
        found.append(Mismatch(f"{where}.url", "file not readable offline (not a data: URL)",
                              "data: URL", fal_file["url"]))
        return found
    fal_bytes = fetched[0]
    if cog_bytes == fal_bytes:
        return found
    if cog_type.startswith("image/") and fal_type.startswith("image/"):
        verdict = _compare_images(cog_bytes, fal_bytes, lossy=cog_type in _LOSSY or fal_type in _LOSSY)
        if verdict is not None:
            return found + [Mismatch(where, verdict[0], verdict[1], verdict[2])] if verdict[0] else found
    if cog_type in _WAV and fal_type in _WAV:
        verdict = _compare_wavs(cog_bytes, fal_bytes)
        if verdict is not None:
            return found + [Mismatch(where, verdict[0], verdict[1], verdict[2])] if verdict[0] else found
    if cog_type.startswith("text/") or cog_type in ("application/json",):
        try:
            cog_text, fal_text = cog_bytes.decode("utf-8"), fal_bytes.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return found + [Mismatch(where, "file " + _text_difference(cog_text, fal_text),
                                     cog_text, fal_text)]
    return found + [Mismatch(where, "file bytes", f"{len(cog_bytes)} bytes", f"{len(fal_bytes)} bytes")]


def _compare_images(a: bytes, b: bytes, *, lossy: bool) -> tuple[str, Any, Any] | None:
    """('', ..) when the pixels match; (what, cog, fal) when not; None without Pillow."""
    try:
        from PIL import Image, ImageChops
    except ImportError:
        return None
    try:
        first, second = Image.open(io.BytesIO(a)), Image.open(io.BytesIO(b))
        first.load()
        second.load()
    except Exception:  # noqa: BLE001 - undecodable data is reported as a byte difference
        return None
    if first.size != second.size:
        return "image size", f"{first.size[0]}×{first.size[1]}", f"{second.size[0]}×{second.size[1]}"
    mode = "RGBA" if "A" in first.getbands() or "A" in second.getbands() else "RGB"
    first, second = first.convert(mode), second.convert(mode)
    if first.tobytes() == second.tobytes():
        return "", None, None
    difference = ImageChops.difference(first, second)
    worst = max(high for _low, high in difference.getextrema())
    if lossy and worst <= LOSSY_TOLERANCE:
        return "", None, None
    changed = sum(1 for pixel in difference.getdata() if any(pixel))
    return (f"image pixels ({changed} of {first.size[0] * first.size[1]} differ, by up to {worst})",
            "pixels", "pixels")


def _compare_wavs(a: bytes, b: bytes) -> tuple[str, Any, Any] | None:
    first, second = media.read_wav(a), media.read_wav(b)
    if first is None or second is None:
        return None
    if first[0] != second[0]:
        labels = "channels, sample width, rate"
        return f"audio format ({labels})", first[0], second[0]
    if first[1] == second[1]:
        return "", None, None
    width = first[0][1] * first[0][0]
    return ("audio samples", f"{len(first[1]) // width} frames", f"{len(second[1]) // width} frames")
