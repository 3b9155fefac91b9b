# Prediction interface for Cog ⚙️
# https://cog.run/python

import codecs
import re

WORD_RE = re.compile(r"\w+", re.UNICODE)


class Predictor:
    def setup(self) -> None:
        """Nothing heavy to load: build the lookup tables once."""
        self.operations = {
            "uppercase": str.upper,
            "lowercase": str.lower,
            "title": str.title,
            "swapcase": str.swapcase,
            "reverse": lambda s: s[::-1],
            "reverse_words": lambda s: " ".join(reversed(s.split())),
            "rot13": lambda s: codecs.encode(s, "rot13"),
            "word_count": lambda s: str(len(WORD_RE.findall(s))),
        }

    def predict(
        self,
        text: str = "The quick brown fox jumps over the lazy dog",
        operation: str = "uppercase",
        repeat: int = 1,
        separator: str = " | ",
        strip_whitespace: bool = True,
    ) -> str:
        """Run a single prediction on the model"""
        if strip_whitespace:
            text = text.strip()
        result = self.operations[operation](text)
        return separator.join([result] * repeat)
