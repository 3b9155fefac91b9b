# Prediction interface for Cog ⚙️
# https://cog.run/python

import codecs
import re

from cog import BasePredictor, Input

WORD_RE = re.compile(r"\w+", re.UNICODE)


class Predictor(BasePredictor):
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
        text: str = Input(
            description="Text to transform",
            default="The quick brown fox jumps over the lazy dog",
            max_length=5000,
        ),
        operation: str = Input(
            description="Transformation to apply to the text",
            choices=[
                "uppercase",
                "lowercase",
                "title",
                "swapcase",
                "reverse",
                "reverse_words",
                "rot13",
                "word_count",
            ],
            default="uppercase",
        ),
        repeat: int = Input(
            description="How many times to repeat the transformed text",
            default=1,
            ge=1,
            le=10,
        ),
        separator: str = Input(
            description="Separator placed between repetitions",
            default=" | ",
        ),
        strip_whitespace: bool = Input(
            description="Strip leading and trailing whitespace before transforming",
            default=True,
        ),
    ) -> str:
        """Run a single prediction on the model"""
        if strip_whitespace:
            text = text.strip()
        result = self.operations[operation](text)
        return separator.join([result] * repeat)
