"""FLUX-style inputs, as replicate/cog-flux declares them: shared `Input`s on a class (read
through the class and through an instance) or in a module constant, and helpers that build an
`Input` from arguments."""

from dataclasses import dataclass

from typing import Optional
from cog2fal_runtime import Input

ASPECT_RATIOS = {
    "1:1": (1024, 1024),
    "16:9": (1344, 768),
    "2:3": (832, 1216),
}
MAX_STEPS = 50
OUTPUT_QUALITY = Input(
    description="Quality when saving the output images, from 0 to 100", default=80, ge=0, le=100
)


@dataclass(frozen=True)
class Inputs:
    prompt = Input(description="Prompt for generated image")
    aspect_ratio = Input(
        description="Aspect ratio for the generated image",
        choices=list(ASPECT_RATIOS.keys()),
        default="1:1",
    )
    seed = Input(description="Random seed. Set for reproducible generation", default=None)

    @staticmethod
    def go_fast_with_default(default: bool) -> Input:
        return Input(
            description="Run faster predictions with a model optimized for speed",
            default=default,
        )

    @staticmethod
    def guidance_with(default: float, le: float) -> Input:
        return Input(description="Guidance for generated image", ge=0, le=le, default=default)

    @staticmethod
    def num_inference_steps_with(
        default: int, le: int = MAX_STEPS, recommended: int | tuple[int, int] = 28
    ) -> Input:
        description = "Number of denoising steps. "
        if isinstance(recommended, tuple):
            description += f"Recommended range is {recommended[0]}-{recommended[1]}."
        else:
            description += f"{recommended} is recommended."
        return Input(description=description, ge=1, le=le, default=default)

    @classmethod
    def output_format_with(cls, default: str = "webp") -> Input:
        formats = ["webp", "jpg", "png"]
        return Input(description="Format of the output images", choices=formats, default=default)


SHARED_INPUTS = Inputs()


def megapixels_input(match_input: bool = False, **overrides) -> Input:
    choices = ["1", "0.25"]
    if match_input:
        choices = choices + ["match_input"]
    return Input(description="Approximate number of megapixels", choices=choices, **overrides)


class DevPredictor:
    def setup(self) -> None:
        self.sizes = dict(ASPECT_RATIOS)

    def predict(
        self,
        prompt: str,
        aspect_ratio: str = "1:1",
        num_inference_steps: int = 28,
        guidance: float = 3.5,
        seed: Optional[int] = None,
        output_format: str = "webp",
        output_quality: int = 80,
        go_fast: bool = True,
        megapixels: str = "1",
    ) -> str:
        width, height = self.sizes[aspect_ratio]
        if megapixels == "0.25":
            width, height = width // 2, height // 2
        mode = "fast" if go_fast else "bf16"
        return (f"{prompt} | {width}x{height} | steps={num_inference_steps} guidance={guidance} "
                f"seed={seed} {output_format}@{output_quality} {mode}")
