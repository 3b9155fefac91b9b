import tempfile
from pathlib import Path

STYLES = ["plain", "title", "shout"]


class Predictor:
    def setup(self):
        self.styles = {
            "plain": lambda s: s,
            "title": str.title,
            "shout": lambda s: s.upper() + "!",
        }

    def predict(self, prompt, style="plain", repeat=1, temperature=0.5, reference=None, as_file=False, separator=" "):
        # `separator` has no decorator: not an input under this API, Cog never passed it
        text = separator.join([self.styles[style](prompt)] * repeat)
        if reference is not None:
            text += "\n" + Path(reference).read_text()
        if not as_file:
            return text
        out = Path(tempfile.mkdtemp()) / "out.txt"
        out.write_text(text)
        return out
