"""TinyMLP: a 1 -> 16 -> 1 network applied to every number independently."""

import torch
from torch import nn

ACTIVATIONS = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
}


class TinyMLP(nn.Module):
    def __init__(self, hidden: int = 16, activation: str = "tanh") -> None:
        super().__init__()
        self.fc1 = nn.Linear(1, hidden)
        self.act = ACTIVATIONS[activation]()
        self.fc2 = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (N,) -> (N,)
        return self.fc2(self.act(self.fc1(x.unsqueeze(-1)))).squeeze(-1)

    def set_activation(self, activation: str) -> None:
        self.act = ACTIVATIONS[activation]()
