"""A predictor with an import-time side effect.

Importing this module writes SIDE_EFFECT_MARKER in the working directory (as real models
that download weights or pip-install at import time do). A static converter must never
import it; a test converts this project and checks that no marker appears.
"""

import datetime

with open("SIDE_EFFECT_MARKER", "w") as marker:
    marker.write(f"imported at {datetime.datetime.now().isoformat()}\n")


class Predictor:
    def predict(self, text: str) -> str:
        return text
