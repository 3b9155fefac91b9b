""".dockerignore read and matched with Docker's own rules, as Cog's build applies them to /src.

Cog copies the project into the image with `COPY . /src`, so a file ships exactly when the
build context holds it. The matching is the `docker` SDK's port of Docker's pattern matcher
(`docker.utils.build.PatternMatcher`): `*.txt` matches at the top only (not
`assets/vocab.txt`), a pattern that matches a folder covers everything below it, later `!`
lines win, and an exception inside an ignored folder (`assets/` then `!assets/keep.txt`) brings
that file back. The SDK is imported only when a project has a .dockerignore.

One known difference from the docker CLI: the SDK compares names case-insensitively.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cog2fal.errors import CogProjectError

FILE = ".dockerignore"


def read_patterns(text: str) -> list[str]:
    """Pattern lines as Docker reads them: a line starting with `#` is a comment, the others are
    trimmed and blank ones dropped."""
    lines = text.removeprefix("\ufeff").splitlines()
    return [line.strip() for line in lines if not line.startswith("#") and line.strip()]


class DockerIgnore:
    """The patterns of one project's .dockerignore."""

    def __init__(self, patterns: list[str]):
        try:
            from docker.utils.build import PatternMatcher
        except ImportError:
            raise CogProjectError("matching .dockerignore needs the `docker` package: pip install docker",
                                  FILE) from None
        self._matcher: Any = PatternMatcher(patterns)

    @classmethod
    def of(cls, root: Path) -> DockerIgnore | None:
        """The project's .dockerignore, or None when it has none."""
        path = root / FILE
        if not path.is_file():
            return None
        return cls(read_patterns(path.read_text(encoding="utf-8", errors="replace")))

    def ignores(self, relative: str) -> bool:
        """Whether Docker leaves the file or folder at this POSIX path out of the context."""
        return bool(self._matcher.matches(relative))

    def prunes(self, folder: str) -> bool:
        """Whether nothing below an ignored folder can be in the context: no `!` pattern starts
        inside it (the same test the SDK's own walk makes)."""
        if not self.ignores(folder):
            return False
        return not any(pattern.exclusion and pattern.cleaned_pattern.startswith(folder)
                       for pattern in self._matcher.patterns)
