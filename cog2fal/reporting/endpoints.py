"""The app's endpoint paths, as the report, `--json` and `inspect` list them."""

from __future__ import annotations

from cog2fal.project import Project


def endpoints(project: Project) -> list[str]:
    """`/` (and `/stream` for a streaming model), then `/train` (and `/train/stream`) for a trainer."""
    paths = ["/"] + (["/stream"] if project.predictor.streams else [])
    if project.trainer is not None:
        paths += ["/train"] + (["/train/stream"] if project.trainer.streams else [])
    return paths
