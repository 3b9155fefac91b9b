from typing import List

# Cog runs with the project root as working directory, so the package is `src`.
from src.textutil import split_words


class Predictor:
    def setup(self):
        with open("src/vocab.txt") as f:
            self.vocab = {line.strip() for line in f if line.strip()}

    def predict(
        self,
        text: str,
        keep_unknown: bool = False,
    ) -> List[str]:
        words = split_words(text)
        if keep_unknown:
            return words
        return [w for w in words if w in self.vocab]
