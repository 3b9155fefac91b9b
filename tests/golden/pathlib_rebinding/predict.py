import shutil
from pathlib import Path
from pathlib import Path


class Predictor:
    def setup(self):
        self.cache = Path("cache")
        self.cache.mkdir(exist_ok=True)

    def predict(
        self,
        audio: Path,
        label: str = "clip",
    ) -> Path:
        audio = Path(audio)
        name = f"{label}{audio.suffix or '.wav'}"
        target = self.cache / name
        shutil.copyfile(audio, target)
        return target
