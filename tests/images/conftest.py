"""Fixtures shared with the verify tests."""

from tests.verify.conftest import runtime  # noqa: F401  (the Cog reference runtime interpreter)
