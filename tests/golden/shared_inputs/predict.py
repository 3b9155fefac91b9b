import hashlib
import os
import tempfile
from abc import ABC, abstractmethod

from typing import Optional
from cog2fal_runtime import Input
from pathlib import Path

from imaging import write_png


class Inputs:
    prompt = Input(description="Prompt for the generated image")
    width = Input(description="Width of output image", default=16, ge=8, le=64)
    height = Input(description="Height of output image", default=16, ge=8, le=64)
    num_inference_steps = Input(
        description="Number of denoising steps", default=4, ge=1, le=50
    )
    seed = Input(description="Random seed. Leave blank for the default seed", default=None)


def colour_for(prompt: str, seed: int, steps: int):
    digest = hashlib.sha256(f"{prompt}:{seed}:{steps}".encode()).digest()
    return digest[0], digest[1], digest[2]


class BasePipelinePredictor(ABC):
    """Shared setup for every pipeline variant in this file."""

    variant = "base"

    def setup(self) -> None:
        self.out_dir = tempfile.mkdtemp(prefix=f"{self.variant}-")
        self.scale = 1

    @abstractmethod
    def steps_for(self, requested: int) -> int: ...

    def render(self, prompt, width, height, steps, seed) -> Path:
        if seed is None:
            seed = 42
        out = os.path.join(self.out_dir, "out.png")
        write_png(out, width * self.scale, height * self.scale, colour_for(prompt, seed, steps))
        return Path(out)


class StandardPredictor(BasePipelinePredictor):
    variant = "standard"

    def steps_for(self, requested: int) -> int:
        return requested

    def predict(
        self,
        prompt: str = Inputs.prompt,
        width: int = Inputs.width,
        height: int = Inputs.height,
        num_inference_steps: int = Inputs.num_inference_steps,
        seed: int = Inputs.seed,
    ) -> Path:
        return self.render(prompt, width, height, self.steps_for(num_inference_steps), seed)


class FastPredictor(BasePipelinePredictor):
    """Few-step variant: fewer knobs, and steps are capped."""

    variant = "fast"

    def steps_for(self, requested: int) -> int:
        return min(requested, 2)

    def predict(
        self,
        prompt: str,
        seed: Optional[int] = None,
        width: int = 16,
        height: int = 16,
        num_inference_steps: int = 2,
    ) -> Path:
        return self.render(prompt, width, height, self.steps_for(num_inference_steps), seed)


class UpscalePredictor(BasePipelinePredictor):
    variant = "upscale"

    def setup(self) -> None:
        super().setup()
        self.scale = 2

    def steps_for(self, requested: int) -> int:
        return requested

    def predict(self, prompt: str = Inputs.prompt, seed: int = Inputs.seed) -> Path:
        return self.render(prompt, 16, 16, 1, seed)
