"""Fixtures of the `cog2fal verify` tests (helpers and the runtime lookup: helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.verify.helpers import EXAMPLES, RUNNABLE, convert, runtime_python


@pytest.fixture(scope="session")
def runtime() -> str:
    python = runtime_python()
    if python is None:
        pytest.skip("no runtime interpreter for `cog2fal verify`: set COG2FAL_RUNTIME_PYTHON to a "
                    "Python with cog==0.23.1, fal==1.83.0, pillow, numpy and torch==2.13.0 "
                    "(scripts/test.sh builds one)")
    return python


@pytest.fixture(scope="session")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every runnable example converted once per session (tests copy before changing one)."""
    root = tmp_path_factory.mktemp("converted")
    return {name: convert(EXAMPLES / name / "cog", root / name) for name in RUNNABLE}
