# Prediction interface for Cog ⚙️
# https://cog.run/python

import time

from cog2fal_runtime import ConcatenateIterator

from bigram import BigramModel

# loaded once per process, relative to the working directory (/src)
CORPUS = open("corpus.txt", encoding="utf-8").read()


class Predictor:
    def setup(self) -> None:
        """Train the bigram table from the bundled corpus"""
        self.model = BigramModel(CORPUS)

    def predict(
        self,
        prompt: str = "the model",
        max_tokens: int = 24,
        temperature: float = 0.7,
        seed: int = 42,
    ) -> ConcatenateIterator[str]:
        """Stream a continuation of the prompt, one token at a time"""
        first = True
        for word in self.model.generate(prompt, max_tokens, temperature, seed):
            # tokens carry their own leading space, like real LLM tokenizers
            yield word if first or word == "." else " " + word
            first = False
            time.sleep(0.01)  # pretend to think
