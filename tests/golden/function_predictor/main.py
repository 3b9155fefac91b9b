import re

WORD = re.compile(r"[\w']+")


def run(
    text: str,
    min_length: int = 1,
) -> int:
    return sum(1 for word in WORD.findall(text) if len(word) >= min_length)
