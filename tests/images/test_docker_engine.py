"""The private engine scripts/test.sh starts: reachable, private, and a clear failure when absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.docker_engine import engine_client


def test_the_engine_is_private_and_uses_vfs(docker_client: Any) -> None:
    info = docker_client.info()
    assert info["Driver"] == "vfs"
    # Its own data root, not the system engine's /var/lib/docker.
    assert Path(info["DockerRootDir"]) != Path("/var/lib/docker")
    assert docker_client.api.base_url.startswith("http+docker://")


def test_a_missing_engine_fails_with_what_to_do() -> None:
    with pytest.raises(RuntimeError, match="DOCKER_HOST is not set: run the tests through scripts/test.sh"):
        engine_client(None)


def test_an_engine_that_does_not_answer_fails_naming_the_host(tmp_path: Path) -> None:
    host = f"unix://{tmp_path}/absent.sock"
    with pytest.raises(RuntimeError, match=f"the Docker engine at DOCKER_HOST={host} does not answer"):
        engine_client(host)
