import os


class Predictor:
    def setup(self):
        self.model_dir = os.environ.get("MODEL_DIR", "/models")

    def predict(
        self,
        text: str,
        collapse_spaces: bool = True,
    ) -> str:
        out = text.strip()
        if collapse_spaces:
            out = " ".join(out.split())
        return f"{out} ({os.path.basename(self.model_dir)})"
