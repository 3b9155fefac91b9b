from typing import Iterator


class Predictor:
    def predict(
        self,
        text: str,
        number_lines: bool = True,
    ) -> Iterator[str]:
        for i, line in enumerate(text.split("|"), start=1):
            yield f"{i}. {line.strip()}" if number_lines else line.strip()
