import json
from typing import List, Optional


class Predictor:
    def predict(
        self,
        prompt: str,
        seed: int = 0,
        offer: str = "a bowl of fruit",
        strength: float = 0.8,
        steps: Optional[int] = None,
        negative_prompt: Optional[str] = None,
        guidance: Optional[float] = None,
        tags: List[str] = ["a", "b"],
        weights: Optional[List[int]] = None,
        enhance: bool = True,
    ) -> str:
        if steps is None:
            steps = 10 if guidance is None else 20
        return json.dumps(
            {
                "prompt": prompt,
                "seed": seed,
                "offer": offer,
                "strength": strength,
                "steps": steps,
                "negative_prompt": negative_prompt,
                "guidance": guidance,
                "tags": list(tags),
                "weights": weights,
                "enhance": enhance,
            },
            sort_keys=True,
        )
