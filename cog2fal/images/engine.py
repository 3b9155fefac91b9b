"""A connection to the Docker engine through the `docker` SDK, or one clear error.

The SDK is imported here, on the image paths only. Where the engine is comes from the usual
environment (`DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`), as for the docker CLI.
"""

from __future__ import annotations

import os
from typing import Any

from cog2fal.errors import CogProjectError


def docker_sdk() -> Any:
    """The `docker` package, or an error that says how to get it."""
    try:
        import docker
    except ImportError:
        raise CogProjectError(
            "reading or building images needs the `docker` package: pip install docker") from None
    return docker


def connect() -> Any:
    """A `docker.DockerClient` that has answered a ping."""
    docker = docker_sdk()
    import requests

    where = os.environ.get("DOCKER_HOST") or "the default socket (unix:///var/run/docker.sock)"
    try:
        client = docker.from_env()
        client.ping()
    except (docker.errors.DockerException, requests.RequestException, OSError) as exc:
        raise CogProjectError(
            f"cannot reach a Docker engine at {where} ({short_reason(exc)}): start one, or point "
            "DOCKER_HOST at it") from None
    return client


def short_reason(exc: BaseException, limit: int = 200) -> str:
    """The innermost useful words of an SDK or HTTP error, on one line."""
    text = getattr(exc, "explanation", None) or str(exc) or type(exc).__name__
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
