# Prediction interface for Cog ⚙️
# https://cog.run/python

import time

from cog import BasePredictor, ConcatenateIterator, Input

from bigram import BigramModel

# loaded once per process, relative to the working directory (/src)
CORPUS = open("corpus.txt", encoding="utf-8").read()


class Predictor(BasePredictor):
    def setup(self) -> None:
        """Train the bigram table from the bundled corpus"""
        self.model = BigramModel(CORPUS)

    def predict(
        self,
        prompt: str = Input(
            description="Prompt to continue; generation starts from its last known word",
            default="the model",
        ),
        max_tokens: int = Input(
            description="Maximum number of tokens to generate",
            default=24,
            ge=1,
            le=256,
        ),
        temperature: float = Input(
            description="Sampling temperature; lower values pick the most frequent next word more often",
            default=0.7,
            ge=0.1,
            le=2.0,
        ),
        seed: int = Input(
            description="Random seed for reproducible generations",
            default=42,
        ),
    ) -> ConcatenateIterator[str]:
        """Stream a continuation of the prompt, one token at a time"""
        first = True
        for word in self.model.generate(prompt, max_tokens, temperature, seed):
            # tokens carry their own leading space, like real LLM tokenizers
            yield word if first or word == "." else " " + word
            first = False
            time.sleep(0.01)  # pretend to think
