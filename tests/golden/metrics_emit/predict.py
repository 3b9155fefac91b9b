from pathlib import Path
from cog2fal_runtime import emit_metric
import tempfile


class Predictor:
    def predict(
        self,
        text: str,
        copies: int = 1,
    ) -> Path:
        emit_metric("output_copies", copies)
        out = Path(tempfile.mkdtemp()) / "out.txt"
        out.write_text("\n".join([text] * copies) + "\n")
        return out
