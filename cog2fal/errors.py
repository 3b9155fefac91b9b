"""The one error type the CLI turns into `file:line: message` and exit code 2."""

from __future__ import annotations

from pathlib import Path


class CogProjectError(Exception):
    """The Cog project cannot be read or converted; carries the place at fault."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        # One line, always: multi-line parser messages are folded.
        text = " ".join(self.message.split())
        return f"{where}: {text}" if where else text
