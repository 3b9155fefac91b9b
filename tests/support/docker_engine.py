"""The real Docker engine the image tests use, or a clear failure: these tests never skip.

scripts/test.sh starts a private engine (scripts/docker_engine.sh) and exports DOCKER_HOST; a run
without it fails here, naming what is missing, instead of silently testing less.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def engine_client(host: str | None) -> Any:
    """A client that has answered a ping at `host`; raises RuntimeError saying what is wrong."""
    if not host:
        raise RuntimeError(
            "DOCKER_HOST is not set: run the tests through scripts/test.sh, which starts a private "
            "Docker engine (scripts/docker_engine.sh)")
    import docker

    try:  # the client asks the engine for its API version as it is made
        client = docker.DockerClient(base_url=host, timeout=600)
        client.ping()
    except Exception as exc:  # the SDK's and requests' errors alike: the engine is not usable
        raise RuntimeError(f"the Docker engine at DOCKER_HOST={host} does not answer: {exc}") from None
    return client


@pytest.fixture(scope="session")
def docker_client() -> Iterator[Any]:
    """A docker.DockerClient on the engine scripts/test.sh started (fails the test when absent)."""
    try:
        client = engine_client(os.environ.get("DOCKER_HOST"))
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield client
    client.close()


BASE_IMAGE_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "python_base_image.sh"


@pytest.fixture(scope="session")
def python_base_image(docker_client: Any) -> str:
    """`python:3.11-slim` made locally from Debian packages (no registry is reachable in tests).

    The first run on a machine debootstraps it (minutes, cached as a tar under $COG2FAL_CACHE);
    later runs import the cached tar (seconds).
    """
    done = subprocess.run(["bash", str(BASE_IMAGE_SCRIPT)], capture_output=True, text=True,
                          timeout=1800)
    if done.returncode != 0:
        pytest.fail(f"could not make the local base image:\n{done.stderr[-3000:]}", pytrace=False)
    return "python:3.11-slim"
