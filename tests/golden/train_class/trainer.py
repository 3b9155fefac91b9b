import json
import tempfile
from pathlib import Path as LocalPath

from cog2fal_runtime import BaseModel, Secret
from pathlib import Path


class TrainingOutput(BaseModel):
    weights: Path


class Trainer:
    def setup(self) -> None:
        self.base_bias = 0.5

    def train(
        self,
        examples: str,
        epochs: int = 1,
        token: Secret = None,
    ) -> TrainingOutput:
        words = [w.strip() for w in examples.split(",") if w.strip()]
        table = {w: round(self.base_bias * epochs + i, 3) for i, w in enumerate(words)}
        out = LocalPath(tempfile.mkdtemp()) / "weights.json"
        out.write_text(json.dumps({"table": table, "authenticated": token is not None}))
        return TrainingOutput(weights=Path(out))
