# Prediction interface for Cog ⚙️
# https://cog.run/python

class Predictor:
    def setup(self) -> None:
        """Load the model into memory to make running multiple predictions efficient"""
        self.greeting = "hello"

    def predict(
        self,
        name: str,
        shout: bool = False,
    ) -> str:
        """Run a single prediction on the model"""
        text = f"{self.greeting}, {name}!"
        return text.upper() if shout else text
