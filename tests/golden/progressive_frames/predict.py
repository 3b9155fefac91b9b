import os
import tempfile
from typing import Iterator

from pathlib import Path

from preview_png import gray_png


class Predictor:
    def setup(self):
        self.out = tempfile.mkdtemp()

    def predict(
        self,
        steps: int = 3,
        size: int = 8,
    ) -> Iterator[Path]:
        for step in range(steps):
            level = int(255 * (step + 1) / steps)
            path = os.path.join(self.out, f"step-{step:02d}.png")
            gray_png(path, size, level)
            yield Path(path)
