import hashlib
import os
import tempfile
from typing import List, Optional

from cog2fal_runtime import File
from pathlib import Path


def describe(path) -> str:
    data = open(path, "rb").read()
    return f"{os.path.splitext(str(path))[1]} {len(data)} {hashlib.sha256(data).hexdigest()[:12]}"


class Predictor:
    def predict(
        self,
        image: Path,
        config: Optional[File] = None,
        mask: Optional[Path] = None,
        reference: Optional[Path] = None,
        extra_images: Optional[List[Path]] = None,
    ) -> List[Path]:
        out_dir = tempfile.mkdtemp()
        report = [f"image {describe(image)}"]
        if config is not None:
            payload = config.read()
            report.append(f"config {len(payload)} {hashlib.sha256(payload).hexdigest()[:12]}")
        if mask is not None:
            report.append(f"mask {describe(mask)}")
        if reference is not None:
            report.append(f"reference {describe(reference)}")
        for i, extra in enumerate(extra_images or []):
            report.append(f"extra{i} {describe(extra)}")

        outputs = []
        summary = os.path.join(out_dir, "summary.txt")
        with open(summary, "w") as f:
            f.write("\n".join(report) + "\n")
        outputs.append(Path(summary))
        copy = os.path.join(out_dir, "image" + os.path.splitext(str(image))[1])
        with open(image, "rb") as src, open(copy, "wb") as dst:
            dst.write(src.read())
        outputs.append(Path(copy))
        return outputs
