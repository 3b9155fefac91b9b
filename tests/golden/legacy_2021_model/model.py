import tempfile
from pathlib import Path


class Sharpener:
    def setup(self):
        self.mark = "!"

    def run(self, input, strength=1):
        lines = Path(input).read_text().splitlines()
        out_path = Path(tempfile.mkdtemp()) / "out.txt"
        out_path.write_text("".join(line.upper() + self.mark * strength + "\n" for line in lines))
        return out_path
