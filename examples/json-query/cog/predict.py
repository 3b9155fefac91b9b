# Prediction interface for Cog ⚙️
# https://cog.run/python

import shutil
import subprocess

from cog import BasePredictor, Input

SAMPLE = '{"models": [{"name": "kokoro", "params_m": 82}, {"name": "sana", "params_m": 1600}]}'


class Predictor(BasePredictor):
    def setup(self) -> None:
        """Fail at startup, not at the first request, when the image has no jq."""
        self.jq = shutil.which("jq")
        if self.jq is None:
            raise RuntimeError("jq is not installed (cog.yaml: build.system_packages)")

    def predict(
        self,
        document: str = Input(description="A JSON document", default=SAMPLE, max_length=100000),
        query: str = Input(description="A jq filter", default=".models | map(.name)"),
        compact: bool = Input(description="One result per line, without indentation", default=True),
        raw: bool = Input(description="Print strings without quotes (jq --raw-output)", default=False),
        sort_keys: bool = Input(description="Sort the keys of every object", default=False),
    ) -> str:
        args = [self.jq]
        if compact:
            args.append("--compact-output")
        if raw:
            args.append("--raw-output")
        if sort_keys:
            args.append("--sort-keys")
        done = subprocess.run(args + [query], input=document, capture_output=True, text=True, timeout=30)
        if done.returncode != 0:
            raise ValueError(f"jq failed: {done.stderr.strip()}")
        return done.stdout.rstrip("\n")
