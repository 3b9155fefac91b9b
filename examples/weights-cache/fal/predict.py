"""Scores a text with weights downloaded at setup: per-letter weights from a tar archive
(pget -x into model-cache/) and a word list from a Hugging Face-style hub cache."""

import json
import os
import subprocess
import time

from hub import hf_hub_download

MODEL_CACHE = "model-cache"
WEIGHTS_SERVER = os.environ.get("WEIGHTS_SERVER", "http://127.0.0.1:8765")
WEIGHTS_URL = f"{WEIGHTS_SERVER}/weights/tiny-scorer.tar"
os.environ.setdefault("HF_ENDPOINT", f"{WEIGHTS_SERVER}/hf")


def download_weights(url: str, dest: str) -> None:
    start = time.time()
    print("downloading url: ", url)
    print("downloading to: ", dest)
    subprocess.check_call(["pget", "-x", url, dest], close_fds=False)
    print("downloading took: ", time.time() - start)


class Predictor:
    def setup(self) -> None:
        if not os.path.exists(MODEL_CACHE):
            download_weights(WEIGHTS_URL, MODEL_CACHE)
        with open(os.path.join(MODEL_CACHE, "letters.json")) as handle:
            self.letters = json.load(handle)
        vocabulary = hf_hub_download("tiny-models/scorer-words", "words.json")
        with open(vocabulary) as handle:
            self.words = json.load(handle)

    def predict(
        self,
        text: str = "the quick brown fox",
        bonus: float = 1.0,
    ) -> str:
        letters = sum(self.letters.get(c, 0.0) for c in text.lower())
        known = [w for w in text.lower().split() if w in self.words]
        score = round(letters + bonus * sum(self.words[w] for w in known), 4)
        return f"score={score} known={','.join(known) or '-'}"
