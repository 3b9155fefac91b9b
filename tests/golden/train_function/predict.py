import json
import os
from typing import Optional

from pathlib import Path

DEFAULT_VOCAB = ["hello", "world"]


class Predictor:
    def setup(self, weights: Optional[Path] = None) -> None:
        self.vocab = DEFAULT_VOCAB
        if weights is not None and os.path.exists(str(weights)):
            with open(weights) as f:
                self.vocab = json.load(f)["vocab"]

    def predict(
        self,
        prompt: str,
    ) -> str:
        return " ".join(w if w in self.vocab else "*" for w in prompt.split())
