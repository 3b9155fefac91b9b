"""Large variant of the sentiment scorer. The small one lives in predict-small.py."""

POSITIVE = {"good", "great", "love", "excellent", "happy", "nice"}
NEGATIVE = {"bad", "awful", "hate", "terrible", "sad", "poor"}


class Predictor:
    def setup(self):
        self.bias = 0.0

    def predict(
        self,
        text: str,
        scale: float = 1.0,
    ) -> float:
        words = [w.strip(".,!?").lower() for w in text.split()]
        if not words:
            return 0.0
        score = sum((w in POSITIVE) - (w in NEGATIVE) for w in words) / len(words)
        return round((score + self.bias) * scale, 6)
