from collections import Counter
from typing import Optional

from cog2fal_runtime import BaseModel


class Output(BaseModel):
    top_word: str
    counts: dict
    distinct: int


class Runner:
    def setup(self, weights: Optional[str] = None) -> None:
        self.stopwords = {"the", "a", "an"} if weights is None else set()

    def run(
        self,
        text: str,
        drop_stopwords: bool = True,
        top_k: int = 3,
    ) -> Output:
        words = [w.lower() for w in text.split()]
        if drop_stopwords:
            words = [w for w in words if w not in self.stopwords]
        counts = Counter(words)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top_k]
        return Output(
            top_word=ranked[0][0] if ranked else "",
            counts=dict(ranked),
            distinct=len(counts),
        )
