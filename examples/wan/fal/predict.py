# Prediction interface for Cog ⚙️
# https://cog.run/python
#
# Wan 2.1 text-to-video, 1.3B model (Alibaba, Apache-2.0).

import os
import random
import subprocess
import sys
import tempfile
import time

# the Wan2.1 repository is cloned into the image by cog.yaml's build.run
sys.path.insert(0, "/Wan2.1")

import torch
from typing import Optional
from pathlib import Path

import wan
from wan.configs import SIZE_CONFIGS, WAN_CONFIGS
from wan.utils.prompt_extend import QwenPromptExpander
from wan.utils.utils import cache_video

from video_sizes import size_key, valid_frame_count

MODEL_CACHE = "Wan2.1-T2V-1.3B"
MODEL_URL = "https://weights.replicate.delivery/default/wan2.1/model_cache/Wan2.1-T2V-1.3B.tar"
PROMPT_EXTEND_CACHE = "Qwen2.5-3B-Instruct"
PROMPT_EXTEND_URL = "https://weights.replicate.delivery/default/qwen/Qwen2.5-3B-Instruct.tar"
TASK = "t2v-1.3B"


def download_weights(url: str, dest: str) -> None:
    start = time.time()
    print(f"downloading {url} -> {dest}")
    subprocess.check_call(["pget", "-x", url, dest], close_fds=False)
    print(f"downloading took {time.time() - start:.1f}s")


class Predictor:
    def setup(self) -> None:
        """Load the model into memory to make running multiple predictions efficient"""
        if not os.path.exists(MODEL_CACHE):
            download_weights(MODEL_URL, MODEL_CACHE)

        self.cfg = WAN_CONFIGS[TASK]
        self.pipeline = wan.WanT2V(
            config=self.cfg,
            checkpoint_dir=MODEL_CACHE,
            device_id=0,
            rank=0,
            t5_fsdp=False,
            dit_fsdp=False,
            use_usp=False,
            t5_cpu=False,
        )
        self.prompt_expander = None  # loaded on first use

    def _expand_prompt(self, prompt: str, seed: int) -> str:
        if self.prompt_expander is None:
            if not os.path.exists(PROMPT_EXTEND_CACHE):
                download_weights(PROMPT_EXTEND_URL, PROMPT_EXTEND_CACHE)
            self.prompt_expander = QwenPromptExpander(
                model_name=PROMPT_EXTEND_CACHE, is_vl=False, device=0
            )
        result = self.prompt_expander(prompt, tar_lang="en", seed=seed)
        if not result.status:
            print(f"prompt expansion failed ({result.message}), using the original prompt")
            return prompt
        print(f"expanded prompt: {result.prompt}")
        return result.prompt

    def predict(
        self,
        prompt: str = "Two anthropomorphic cats in comfy boxing gear and bright gloves fight intensely on a spotlighted stage.",
        negative_prompt: str = "",
        resolution: str = "480p",
        aspect_ratio: str = "16:9",
        num_frames: int = 81,
        sample_steps: int = 30,
        guide_scale: float = 6.0,
        sample_shift: float = 8.0,
        seed: Optional[int] = None,
        enable_prompt_expansion: bool = False,
    ) -> Path:
        """Generate an MP4 video from a text prompt"""
        if seed is None:
            seed = random.randint(0, 2**31 - 1)
        print(f"Using seed: {seed}")

        if enable_prompt_expansion:
            prompt = self._expand_prompt(prompt, seed)

        frames = valid_frame_count(num_frames)
        if frames != num_frames:
            print(f"num_frames must be 4n+1, using {frames}")

        video = self.pipeline.generate(
            prompt,
            size=SIZE_CONFIGS[size_key(resolution, aspect_ratio)],
            frame_num=frames,
            shift=sample_shift,
            sample_solver="unipc",
            sampling_steps=sample_steps,
            guide_scale=guide_scale,
            n_prompt=negative_prompt,  # empty -> config.sample_neg_prompt
            seed=seed,
            offload_model=False,
        )

        out = os.path.join(tempfile.mkdtemp(), "output.mp4")
        cache_video(
            tensor=video[None],
            save_file=out,
            fps=self.cfg.sample_fps,
            nrow=1,
            normalize=True,
            value_range=(-1, 1),
        )
        torch.cuda.empty_cache()
        return Path(out)
