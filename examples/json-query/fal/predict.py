# Prediction interface for Cog ⚙️
# https://cog.run/python

import shutil
import subprocess

SAMPLE = '{"models": [{"name": "kokoro", "params_m": 82}, {"name": "sana", "params_m": 1600}]}'


class Predictor:
    def setup(self) -> None:
        """Fail at startup, not at the first request, when the image has no jq."""
        self.jq = shutil.which("jq")
        if self.jq is None:
            raise RuntimeError("jq is not installed (cog.yaml: build.system_packages)")

    def predict(
        self,
        document: str = SAMPLE,
        query: str = ".models | map(.name)",
        compact: bool = True,
        raw: bool = False,
        sort_keys: bool = False,
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
