"""NSFW filter shared by Replicate's diffusers models.

Wraps diffusers' StableDiffusionSafetyChecker and returns, for every image,
whether it was flagged. Flagged images are not returned to the user.
"""

from typing import List

import numpy as np
import torch
from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
from PIL import Image
from transformers import CLIPImageProcessor

SAFETY_MODEL_ID = "CompVis/stable-diffusion-safety-checker"
FEATURE_EXTRACTOR_ID = "openai/clip-vit-base-patch32"


class SafetyChecker:
    def __init__(self, cache_dir: str, device: str = "cuda") -> None:
        self.device = device
        self.checker = StableDiffusionSafetyChecker.from_pretrained(
            SAFETY_MODEL_ID, cache_dir=cache_dir, torch_dtype=torch.float16
        ).to(device)
        self.feature_extractor = CLIPImageProcessor.from_pretrained(
            FEATURE_EXTRACTOR_ID, cache_dir=cache_dir
        )

    @torch.no_grad()
    def __call__(self, images: List[Image.Image]) -> List[bool]:
        clip_input = self.feature_extractor(images, return_tensors="pt").to(self.device)
        np_images = [np.array(img) for img in images]
        _, has_nsfw = self.checker(
            images=np_images,
            clip_input=clip_input.pixel_values.to(torch.float16),
        )
        return list(has_nsfw)
