import os
import tempfile
from typing import Any, List, Optional

from cog2fal_runtime import BaseModel
from pathlib import Path


class Output(BaseModel):
    transcript: str
    segments: Any
    srt_file: Optional[Path]
    views: List[Path]
    word_count: int


def fmt(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


class Predictor:
    def setup(self):
        self.words_per_second = 2.5

    def predict(
        self,
        text: str,
        make_srt: bool = True,
        views: int = 1,
    ) -> Output:
        out_dir = tempfile.mkdtemp()
        sentences = [s.strip() for s in text.split(".") if s.strip()]
        segments, t = [], 0.0
        for i, sentence in enumerate(sentences):
            duration = len(sentence.split()) / self.words_per_second
            segments.append({"id": i, "start": round(t, 3), "end": round(t + duration, 3), "text": sentence})
            t += duration

        srt_file = None
        if make_srt:
            srt_path = os.path.join(out_dir, "transcript.srt")
            with open(srt_path, "w") as f:
                for seg in segments:
                    f.write(f"{seg['id'] + 1}\n{fmt(seg['start'])} --> {fmt(seg['end'])}\n{seg['text']}\n\n")
            srt_file = Path(srt_path)

        view_paths = []
        for v in range(views):
            p = os.path.join(out_dir, f"view-{v}.txt")
            with open(p, "w") as f:
                f.write(text.upper() if v % 2 else text.lower())
            view_paths.append(Path(p))

        return Output(
            transcript=" ".join(sentences),
            segments=segments,
            srt_file=srt_file,
            views=view_paths,
            word_count=len(text.split()),
        )
