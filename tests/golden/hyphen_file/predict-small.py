from cog2fal_runtime import Input


class Predictor:
    def predict(self, text: str = Input(description="Sentence to score")) -> float:
        return 1.0 if "good" in text.lower() else 0.0
