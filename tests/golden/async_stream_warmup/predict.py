import asyncio
from typing import Optional

from cog2fal_runtime import AsyncConcatenateIterator
from pathlib import Path


class FakeEngine:
    """Tiny stand-in for an async LLM engine: streams the prompt back token by token."""

    def __init__(self, vocab_suffix: str) -> None:
        self.suffix = vocab_suffix

    async def generate(self, prompt: str, max_tokens: int):
        for i, word in enumerate(prompt.split()):
            if i >= max_tokens:
                break
            await asyncio.sleep(0)
            yield word + self.suffix


class Predictor:
    async def setup(self, weights: Optional[Path] = None) -> None:
        suffix = " "
        if weights is not None and Path(weights).exists():
            suffix = Path(weights).read_text().strip() or " "
        self.engine = FakeEngine(suffix)
        # Warm up through predict(), as many vLLM-based models do.
        async for _ in self.predict(prompt="warm up", max_tokens=1, uppercase=False):
            pass

    async def predict(
        self,
        prompt: str,
        max_tokens: int = 16,
        uppercase: bool = False,
    ) -> AsyncConcatenateIterator[str]:
        async for token in self.engine.generate(prompt, max_tokens):
            yield token.upper() if uppercase else token
