"""The Python files a `cog2fal client` run looks at: the paths given, and the `.py` files under
the folders given, without virtualenvs, VCS folders, build output and caches."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

SKIPPED_FOLDERS = {
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", "virtualenv", "__pycache__",
    "node_modules", "site-packages", "dist-packages", "build", "dist", ".eggs", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints",
}


def _is_virtualenv(folder: Path) -> bool:
    return (folder / "pyvenv.cfg").is_file()


def python_files(paths: list[Path]) -> Iterator[Path]:
    """Each file once, in a stable order: files named on the command line whatever their suffix,
    `.py` files found under folders."""
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = []
            for folder, subfolders, files in os.walk(path):
                here = Path(folder)
                subfolders[:] = sorted(
                    name for name in subfolders
                    if name not in SKIPPED_FOLDERS and not name.endswith(".egg-info")
                    and not _is_virtualenv(here / name))
                found.extend(here / name for name in files if name.endswith(".py"))
            candidates = sorted(found)
        else:
            candidates = [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate
