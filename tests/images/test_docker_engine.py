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


def test_the_local_base_image_behaves_like_the_official_one(docker_client: Any,
                                                             python_base_image: str) -> None:
    """Python 3.11 and pip on /usr/local/bin, pip allowed to install into the system Python."""
    script = ("import sys, sysconfig, pathlib; print(*sys.version_info[:2]); "
              "print(any(pathlib.Path(sysconfig.get_path('stdlib')).glob('EXTERNALLY-MANAGED')))")
    output = docker_client.containers.run(
        python_base_image, ["sh", "-c", f"command -v python && command -v pip && python -c \"{script}\""],
        remove=True, network_mode="host").decode()
    assert output.split() == ["/usr/local/bin/python", "/usr/local/bin/pip", "3", "11", "False"]
