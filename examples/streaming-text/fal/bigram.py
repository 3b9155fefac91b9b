"""A deterministic bigram "language model" trained on corpus.txt."""

import math
import random
from collections import Counter, defaultdict
from typing import Dict, Iterator, List


class BigramModel:
    def __init__(self, text: str) -> None:
        words = text.split()
        self.successors: Dict[str, Counter] = defaultdict(Counter)
        for a, b in zip(words, words[1:]):
            self.successors[a][b] += 1
        # sorted vocabulary so that sampling does not depend on dict order
        self.vocab: List[str] = sorted(set(words) - {"."})

    def generate(self, prompt: str, max_tokens: int, temperature: float, seed: int) -> Iterator[str]:
        rng = random.Random(seed)
        known = [w for w in prompt.lower().split() if w in self.successors]
        word = known[-1] if known else rng.choice(self.vocab)
        for _ in range(max_tokens):
            options = sorted(self.successors.get(word, {}).items())
            if not options:
                return
            weights = [math.pow(count, 1.0 / temperature) for _, count in options]
            word = rng.choices([w for w, _ in options], weights=weights, k=1)[0]
            yield word
