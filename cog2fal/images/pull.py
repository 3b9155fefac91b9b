"""Pulling an image that is not local yet, with progress on stderr.

A pull failure is an ordinary outcome (no login, a private model, no network, a version id
that is not a digest): it ends as one error line naming the image and the engine's reason.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from cog2fal.errors import CogProjectError
from cog2fal.images.engine import docker_sdk, short_reason
from cog2fal.images.reference import ImageReference


def pull_image(client: Any, reference: ImageReference, console: Console | None = None) -> Any:
    """Pull `reference` and return the local image. Progress is drawn on `console` (stderr) when it
    is a terminal, and leaves nothing behind: a failure stays one line."""
    docker = docker_sdk()
    import requests

    where = str(reference)
    console = console or Console(stderr=True)
    tag = reference.digest or reference.tag or "latest"
    layers: dict[str, tuple[int, int]] = {}
    progress = Progress(TextColumn("Pulling {task.description}"), BarColumn(), DownloadColumn(),
                        console=console, transient=True, disable=not console.is_terminal)
    try:
        with progress:
            task = progress.add_task(where, total=None)
            for event in client.api.pull(reference.repository, tag=tag, stream=True, decode=True):
                if "error" in event:
                    raise CogProjectError(
                        f"pull failed: {short_reason(Exception(event['error']))}", where)
                detail = event.get("progressDetail") or {}
                if event.get("id") and detail.get("total"):
                    layers[event["id"]] = (int(detail.get("current", 0)), int(detail["total"]))
                    done = sum(current for current, _ in layers.values())
                    total = sum(size for _, size in layers.values())
                    progress.update(task, completed=done, total=total)
        return client.images.get(f"{reference.repository}@{reference.digest}" if reference.digest
                                 else f"{reference.repository}:{tag}")
    except CogProjectError:
        raise
    except (docker.errors.DockerException, requests.RequestException) as exc:
        raise CogProjectError(f"pull failed: {short_reason(exc)}", where) from None
