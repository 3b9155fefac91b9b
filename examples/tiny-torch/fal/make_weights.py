"""Regenerate weights/tiny_mlp.pt (run once; the file is committed).

    python make_weights.py
"""

import torch

from model import TinyMLP

if __name__ == "__main__":
    torch.manual_seed(0)
    model = TinyMLP()
    torch.save(model.state_dict(), "weights/tiny_mlp.pt")
    print("saved weights/tiny_mlp.pt")
