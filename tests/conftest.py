"""Shared paths and options for the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.docker_engine"]  # the `docker_client` fixture (a real engine)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "projects"
BROKEN = ROOT / "tests" / "fixtures" / "broken"
GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = ROOT / "examples"


def update_goldens() -> bool:
    """`COG2FAL_UPDATE_GOLDEN=1 pytest ...` rewrites the committed expected outputs."""
    return os.environ.get("COG2FAL_UPDATE_GOLDEN") == "1"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
