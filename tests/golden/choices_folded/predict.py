from typing import Dict

# Stand-ins for scheduler classes; real models map names to diffusers schedulers here.
SCHEDULERS: Dict[str, str] = {
    "DDIM": "ddim",
    "K_EULER": "euler",
    "DPMSolverMultistep": "dpm++",
}
SIZES = ["512x512", "768x768", "1024x1024"]
LANGUAGE_CODES = {"fr", "en", "de", "ja"}
DEFAULT_SIZE = SIZES[0]


class Predictor:
    def predict(
        self,
        prompt: str,
        scheduler: str = "DDIM",
        size: str = DEFAULT_SIZE,
        grid: int = 1,
        stems: int = 4,
        language: str = "en",
    ) -> str:
        return f"{SCHEDULERS[scheduler]}|{size}|{grid}|{stems}|{language}|{prompt}"
