"""The fal app's name: `--app-name`, else the Replicate model's name, else the project's folder."""

from __future__ import annotations

from pathlib import Path

from cog2fal.writing.pysource import kebab

# `my-model/cog/cog.yaml` is a common layout: the folder above names the model.
_GENERIC_FOLDERS = {"cog", "src", "model", "predictor", "replicate"}


def app_name_from_image(ref: str) -> str:
    """`r8.im/owner/name`, `owner/name:version`, `r8.im/owner/name@sha256:…` or `name` → `name`,
    as a fal app name."""
    return kebab(ref.split("@", 1)[0].rstrip("/").rsplit("/", 1)[-1].split(":")[0])


def app_name_from_folder(model_dir: Path) -> str:
    """The project's folder name (or a cog.yaml's folder), skipping generic names like `cog/`."""
    root = (model_dir.parent if model_dir.is_file() else model_dir).resolve()
    return kebab(root.parent.name if root.name.lower() in _GENERIC_FOLDERS and root.parent.name
                 else root.name)


def app_name(requested: str | None, image: str | None, model_dir: Path) -> str:
    if requested:
        return kebab(requested)
    if image:
        return app_name_from_image(image)
    return app_name_from_folder(model_dir)
