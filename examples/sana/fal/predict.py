# Prediction interface for Cog ⚙️
# https://cog.run/python
#
# Sana (NVIDIA / MIT Han Lab): efficient high-resolution text-to-image with a
# linear-attention DiT and a 32x deep-compression autoencoder.
#   standard: Sana 1.6B 1024px (SanaPipeline, ~20 steps)
#   sprint:   Sana-Sprint 1.6B 1024px (SanaSprintPipeline, 1-4 steps)

import os

# keep every Hugging Face download inside the project so that the weights are
# cached in the image / on the model's disk, and download them fast
MODEL_CACHE = "checkpoints"
os.environ["HF_HOME"] = MODEL_CACHE
os.environ["HF_HUB_ENABLE_HF_TRANSFER"] = "1"

import time
from typing import List, Optional

import torch
from pathlib import Path
from diffusers import SanaPipeline, SanaSprintPipeline

from safety_checker import SafetyChecker

STANDARD_MODEL = "Efficient-Large-Model/Sana_1600M_1024px_BF16_diffusers"
SPRINT_MODEL = "Efficient-Large-Model/Sana_Sprint_1.6B_1024px_diffusers"

# width, height
IMAGE_SIZES = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}

SPRINT_MAX_STEPS = 4


class Predictor:
    def setup(self) -> None:
        """Load both pipelines into memory to make running multiple predictions efficient"""
        start = time.time()
        os.makedirs(MODEL_CACHE, exist_ok=True)

        self.standard = SanaPipeline.from_pretrained(
            STANDARD_MODEL,
            variant="bf16",
            torch_dtype=torch.bfloat16,
            cache_dir=MODEL_CACHE,
        ).to("cuda")
        self.standard.vae.to(torch.bfloat16)
        self.standard.text_encoder.to(torch.bfloat16)

        # Sprint uses the same Gemma-2 text encoder: share it instead of loading it twice
        self.sprint = SanaSprintPipeline.from_pretrained(
            SPRINT_MODEL,
            text_encoder=self.standard.text_encoder,
            tokenizer=self.standard.tokenizer,
            torch_dtype=torch.bfloat16,
            cache_dir=MODEL_CACHE,
        ).to("cuda")

        self.safety_checker = SafetyChecker(cache_dir=MODEL_CACHE)
        print(f"setup took {time.time() - start:.1f}s")

    def predict(
        self,
        prompt: str = 'a cyberpunk cat with a neon sign that says "Sana"',
        negative_prompt: str = "",
        model_variant: str = "standard",
        image_size: str = "square_hd",
        num_inference_steps: int = 18,
        guidance_scale: float = 5.0,
        num_outputs: int = 1,
        seed: Optional[int] = None,
        disable_safety_checker: bool = False,
    ) -> List[Path]:
        """Run a single prediction on the model"""
        if seed is None:
            seed = int.from_bytes(os.urandom(2), "big")
        print(f"Using seed: {seed}")
        generator = torch.Generator("cuda").manual_seed(seed)
        width, height = IMAGE_SIZES[image_size]

        if model_variant == "sprint":
            steps = min(num_inference_steps, SPRINT_MAX_STEPS)
            if steps != num_inference_steps:
                print(f"sprint supports at most {SPRINT_MAX_STEPS} steps, using {steps}")
            output = self.sprint(
                prompt=prompt,
                width=width,
                height=height,
                num_inference_steps=steps,
                guidance_scale=guidance_scale,
                num_images_per_prompt=num_outputs,
                generator=generator,
            )
        else:
            output = self.standard(
                prompt=prompt,
                negative_prompt=negative_prompt,
                width=width,
                height=height,
                num_inference_steps=num_inference_steps,
                guidance_scale=guidance_scale,
                num_images_per_prompt=num_outputs,
                generator=generator,
            )

        images = output.images
        if disable_safety_checker:
            flagged = [False] * len(images)
        else:
            flagged = self.safety_checker(images)

        output_paths = []
        for i, (image, nsfw) in enumerate(zip(images, flagged)):
            if nsfw:
                print(f"NSFW content detected in image {i}, skipping it")
                continue
            output_path = f"/tmp/out-{i}.png"
            image.save(output_path)
            output_paths.append(Path(output_path))

        if not output_paths:
            raise Exception(
                "NSFW content detected in all generated images. Try running it again, or try a different prompt."
            )
        return output_paths
