import os

# Must be set before the heavy imports below read them.
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["STYLE_MODE"] = "fancy"
os.environ.setdefault("HF_HOME", "./hf-cache")

import functools
import json
import sys
import time

sys.path.insert(0, "vendor")  # relative to the working directory, as in many repos
from slugify_lite import slugify

from helpers.text import STYLE, decorate

with open("presets/default.json", encoding="utf-8") as fh:
    PRESETS = json.load(fh)
CALLS = []


def traced(fn):
    """Log how long each prediction takes (the author's own decorator)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            CALLS.append(time.perf_counter() - start)
            print(f"prediction took {CALLS[-1]:.4f}s", file=sys.stderr)

    return wrapper


class Predictor:
    def setup(self):
        self.style = STYLE
        self.tokenizers_parallelism = os.environ["TOKENIZERS_PARALLELISM"]

    # TODO(cog2fal): choices of input `preset` (`sorted(PRESETS)`) cannot be computed statically (`PRESETS` is not a module constant); published without it — add it to the Input model by hand
    @traced
    def predict(
        self,
        text: str,
        preset: str,
    ) -> str:
        decorated = decorate(text, PRESETS[preset])
        return f"{self.style}:{self.tokenizers_parallelism}:{slugify(text)}:{decorated}"
