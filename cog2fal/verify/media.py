"""`data:` URLs, and small media files made with the standard library for generated cases."""

from __future__ import annotations

import base64
import io
import math
import mimetypes
import struct
import urllib.parse
import wave
import zlib
from pathlib import Path


def data_url(data: bytes, content_type: str) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def is_data_url(value: object) -> bool:
    return isinstance(value, str) and value.startswith("data:")


def decode_data_url(url: str) -> tuple[bytes, str]:
    """(bytes, content type) of a `data:` URL; the content type without parameters."""
    header, _, payload = url.partition(",")
    parts = header[len("data:"):].split(";")
    content_type = (parts[0] or "text/plain").strip().lower()
    if "base64" in (p.strip().lower() for p in parts[1:]):
        return base64.b64decode(payload), content_type
    return urllib.parse.unquote_to_bytes(payload), content_type


def file_data_url(path: Path) -> str:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return data_url(path.read_bytes(), content_type)


def tiny_png(width: int = 16, height: int = 12) -> bytes:
    """An RGB gradient PNG with some structure, so that filters change it visibly."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter type: none
        for x in range(width):
            rows += bytes(((x * 255) // max(width - 1, 1), (y * 255) // max(height - 1, 1),
                           255 if (x // 4 + y // 4) % 2 else 40))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows)))
            + chunk(b"IEND", b""))


def tiny_wav(seconds: float = 0.25, rate: int = 8000) -> bytes:
    """A mono 16-bit PCM WAV: a 440 Hz tone at half scale."""
    frames = int(seconds * rate)
    samples = b"".join(struct.pack("<h", int(16000 * math.sin(2 * math.pi * 440 * i / rate)))
                       for i in range(frames))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()


def read_wav(data: bytes) -> tuple[tuple[int, int, int], bytes] | None:
    """((channels, sample width, rate), PCM frames) of a WAV file, or None if not readable."""
    try:
        with wave.open(io.BytesIO(data), "rb") as source:
            params = (source.getnchannels(), source.getsampwidth(), source.getframerate())
            return params, source.readframes(source.getnframes())
    except (wave.Error, EOFError, struct.error):
        return None
