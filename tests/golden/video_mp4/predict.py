"""Writes a tiny MP4 container by hand (no encoder needed): ftyp + mdat + moov stubs."""

import struct
import tempfile

from pathlib import Path


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


class Predictor:
    def predict(
        self,
        prompt: str,
        num_frames: int = 4,
        fps: int = 8,
    ) -> Path:
        frames = b"".join(
            bytes([(i * 31 + len(prompt)) % 256]) * 16 for i in range(num_frames)
        )
        header = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
        moov = box(b"moov", box(b"mvhd", struct.pack(">I", 0) + struct.pack(">IIII", 0, 0, fps, num_frames)))
        out = Path(tempfile.mkdtemp()) / "clip.mp4"
        out.write_bytes(header + box(b"mdat", frames) + moov)
        return out
