"""Every Python file of the repository's fixtures, examples and cog2fal itself: the corpus
the fast paths are checked against their slow references on."""

from __future__ import annotations

from tests.conftest import EXAMPLES, FIXTURES, ROOT

PYTHON_FILES = sorted({*FIXTURES.rglob("*.py"), *EXAMPLES.rglob("*.py"), *(ROOT / "cog2fal").rglob("*.py")})
