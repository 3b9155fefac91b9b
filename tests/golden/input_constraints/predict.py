"""A toy text sampler whose inputs use every Input() constraint Cog offers."""

import random


class Predictor:
    def predict(
        self,
        prompt: str,
        temperature: float = 0.7,
        max_words: int = 8,
        mode: str = "shuffle",
        repeat: int = 1,
        tag: str = "demo",
        legacy_top_k: int = 50,
        seed: int = 1234,
        lowercase: bool = False,
    ) -> dict:
        rng = random.Random(seed)
        words = prompt.split()[:max_words]
        if mode == "shuffle":
            rng.shuffle(words)
        elif mode == "reverse":
            words = list(reversed(words))
        text = " ".join(words * repeat)
        if lowercase:
            text = text.lower()
        return {
            "text": text,
            "tag": tag,
            "temperature": round(temperature, 3),
            "num_words": len(words) * repeat,
        }
