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


@pytest.fixture(autouse=True, scope="session")
def _persistent_volume(tmp_path_factory: pytest.TempPathFactory):
    """Apps served by the tests keep their downloads in a scratch folder, never the machine's
    /data (the cold-start tests mount their own volume on /data and unset this)."""
    saved = os.environ.get("COG2FAL_PERSISTENT_ROOT")
    os.environ["COG2FAL_PERSISTENT_ROOT"] = str(tmp_path_factory.mktemp("persistent-volume"))
    yield
    if saved is None:
        os.environ.pop("COG2FAL_PERSISTENT_ROOT", None)
    else:
        os.environ["COG2FAL_PERSISTENT_ROOT"] = saved
