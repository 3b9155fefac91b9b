import tempfile
from pathlib import Path
from pathlib import Path as CogPath


class Predictor:
    def setup(self):
        self.workdir = Path(tempfile.mkdtemp())

    def predict(
        self,
        document: CogPath,
        prefix: str = "> ",
    ) -> CogPath:
        source = Path(document)
        lines = source.read_text(encoding="utf-8").splitlines()
        out = self.workdir / f"{source.stem}-quoted.txt"
        out.write_text("".join(f"{prefix}{line}\n" for line in lines), encoding="utf-8")
        return CogPath(out)
