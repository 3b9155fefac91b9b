import hashlib
import json
import os
import tempfile

from typing import Optional
from cog2fal_runtime import BaseModel, Secret
from pathlib import Path


class TrainingOutput(BaseModel):
    weights: Path


def train(
    train_data: Path,
    learning_rate: float = 1e-4,
    steps: int = 10,
    hf_token: Optional[Secret] = None,
) -> TrainingOutput:
    lines = [line.strip() for line in open(train_data) if line.strip()]
    vocab = sorted({word for line in lines for word in line.split()})
    adapter = {
        "vocab": vocab,
        "learning_rate": learning_rate,
        "steps": steps,
        "pushed": hf_token is not None and bool(hf_token.get_secret_value()),
        "digest": hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16],
    }
    out = os.path.join(tempfile.mkdtemp(), "adapter.json")
    with open(out, "w") as f:
        json.dump(adapter, f, sort_keys=True)
    return TrainingOutput(weights=Path(out))
