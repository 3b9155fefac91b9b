"""Which files of the Cog project ship with the app: what Cog would have put in /src."""

from __future__ import annotations

import os
from pathlib import Path

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError, os_error_reason
from cog2fal.project import Finding, Location
from cog2fal.reading.dockerignore import DockerIgnore

_ALWAYS_SKIP_DIRS = {".git", ".cog", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache",
                     ".ruff_cache", ".idea", ".vscode", "node_modules"}
_SKIP_FILES = {"cog.yaml", ".dockerignore", ".DS_Store"}
_LARGE = 100 * 1024 * 1024
# Folders nested deeper than this are refused: no project nests so deep, and Python's own walks
# (os.walk, rglob, rmtree) recurse once per level, up to a limit of about a thousand.
MAX_DEPTH = 256


def project_files(root: Path, findings: list[Finding], exclude: set[Path] | None = None) -> list[str]:
    """Relative POSIX paths of the files to ship, sorted; `.dockerignore` is honoured as Docker
    honours it when Cog copies the project into /src (see reading/dockerignore.py)."""
    ignore = DockerIgnore.of(root)
    exclude = {p.resolve() for p in (exclude or set())}
    files: list[str] = []
    for folder, dirs, names in os.walk(root, onerror=_unlistable):
        base = Path(folder)
        if len(base.relative_to(root).parts) > MAX_DEPTH:
            raise CogProjectError(f"folders nest more than {MAX_DEPTH} levels deep here: cog2fal does "
                                  "not convert such a tree", base.relative_to(root).as_posix())
        if base.resolve() in exclude:
            dirs[:] = []
            continue
        dirs[:] = sorted(d for d in dirs if d not in _ALWAYS_SKIP_DIRS and
                         (base / d).resolve() not in exclude and
                         not (ignore and ignore.prunes((base / d).relative_to(root).as_posix())))
        for name in sorted(names):
            path = base / name
            relative = path.relative_to(root).as_posix()
            if name in _SKIP_FILES and base == root or name.endswith((".pyc", ".pyo")):
                continue
            if ignore and ignore.ignores(relative) or path.is_symlink() and not path.exists():
                continue
            if path.stat().st_size > _LARGE:
                findings.append(Finding(
                    Code.LARGE_FILE,
                    f"`{relative}` is {path.stat().st_size // 2**20} MB; it is uploaded with "
                    "every deploy — consider downloading it in setup() instead",
                    Location(relative, 1)))
            files.append(relative)
    return sorted(files)


def _unlistable(exc: OSError) -> None:
    """A folder that cannot be listed would silently be missing from the app (Cog's build
    fails on it): refused at its path."""
    raise CogProjectError(f"cannot list this folder: {os_error_reason(exc)}", exc.filename)


def app_files_entries(files: list[str], left_out: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """`app_files` wants paths, not globs: top-level files, and folders as `dir/`. A folder holding
    a file that is `left_out` (read from /data instead) is listed file by file without it."""
    split = {f.partition("/")[0] for f in left_out}
    entries: list[str] = []
    for relative in files:
        if relative in left_out:
            continue
        head, sep, _ = relative.partition("/")
        entry = relative if head in split else f"{head}/" if sep else head
        if entry not in entries:
            entries.append(entry)
    return entries
