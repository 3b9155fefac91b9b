# Prediction interface for Cog ⚙️
# https://cog.run/python

import re
from typing import List, Optional

import torch
from pathlib import Path

from model import TinyMLP

DEFAULT_WEIGHTS = "weights/tiny_mlp.pt"
NUMBER_SPLIT = re.compile(r"[,\s;]+")


class Predictor:
    def setup(self, weights: Optional[Path] = None) -> None:
        """Load the model into memory to make running multiple predictions efficient"""
        torch.set_num_threads(1)  # tiny model, and keeps results bit-stable
        self.model = TinyMLP()
        state = torch.load(str(weights or DEFAULT_WEIGHTS), map_location="cpu", weights_only=True)
        self.model.load_state_dict(state)
        self.model.eval()

    def predict(
        self,
        values: str = "0.5, -1.0, 2.0, 0.25",
        activation: str = "tanh",
        scale: float = 1.0,
        decimals: int = 4,
    ) -> List[float]:
        """Run the tiny MLP on every number and return one output per input"""
        numbers = [float(v) for v in NUMBER_SPLIT.split(values.strip()) if v]
        if not numbers:
            raise ValueError("values must contain at least one number")
        self.model.set_activation(activation)
        # inference_mode as a context manager, not a decorator on predict():
        # cog 0.23's runtime fills omitted inputs with their Input() defaults
        # only on the undecorated function
        with torch.inference_mode():
            x = torch.tensor(numbers, dtype=torch.float32) * scale
            y = self.model(x)
        return [round(float(v), decimals) for v in y.tolist()]
