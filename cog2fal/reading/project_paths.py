"""Paths that cog.yaml and requirements files name, checked and normalised once, where read.

`./predict.py` and `sub/../predict.py` are the same file as `predict.py`: everything after
reading sees the one normalised POSIX form. A path that leaves the project (`..`, an absolute
path, a symbolic link out of it) is refused at the place that names it, without reading it, so
no file from outside the project is read, quoted in a message or shipped.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from cog2fal.errors import CogProjectError

_SUBMODULE_PATH = re.compile(r"^\s*path\s*=\s*(.+?)\s*$", re.MULTILINE)


def project_path(root: Path, reference: str, what: str, where: tuple[str, int | None],
                 base: str = "") -> str:
    """`reference` (relative to the project folder `base`) as a normalised path relative to
    `root`; `what` names it and `where` is the file:line that names it, for the error."""
    if "\0" in reference:
        return reference  # not a path at all: the reader says it cannot read it
    if posixpath.isabs(reference) or re.match(r"^[A-Za-z]:[\\/]", reference) or reference.startswith("~"):
        raise CogProjectError(f"{what} `{reference}` is an absolute path: name a file inside the "
                              "project, relative to its folder", *where)
    relative = posixpath.normpath(posixpath.join(base, reference))
    if relative == ".." or relative.startswith("../"):
        raise CogProjectError(f"{what} `{reference}` points outside the project", *where)
    try:
        real_root = root.resolve()
        inside = (root / relative).resolve().is_relative_to(real_root)
    except (OSError, RuntimeError, ValueError):  # a link loop: reported where the file is read
        inside = True
    if not inside:
        raise CogProjectError(f"{what} `{reference}` points outside the project (through a "
                              "symbolic link)", *where)
    return relative


def missing_file_hint(root: Path, relative: str) -> str:
    """Why a file may be missing: a git submodule that is not checked out ('' when not that)."""
    submodule = _submodule_of(root, relative)
    if submodule is not None:
        return (f" (it is inside the git submodule `{submodule}`, which is not checked out: run "
                "`git submodule update --init`)")
    parts = relative.split("/")[:-1]
    for depth in range(len(parts), 0, -1):
        folder = root / "/".join(parts[:depth])
        try:
            if folder.is_dir() and not any(folder.iterdir()):
                return (f" (the folder `{'/'.join(parts[:depth])}` is empty: if it is a git "
                        "submodule, run `git submodule update --init`)")
        except OSError:
            return ""
    return ""


def _submodule_of(root: Path, relative: str) -> str | None:
    """The `.gitmodules` path (relative to the project) covering `relative`, in the repository
    that holds the project (cog.yaml may sit in a subfolder of it)."""
    try:
        target = (root / relative).absolute()
        for top in (root.absolute(), *root.absolute().parents):
            modules = top / ".gitmodules"
            if modules.is_file():
                text = modules.read_text(encoding="utf-8", errors="replace")[:1_000_000]
                inside = target.relative_to(top).as_posix()
                for path in _SUBMODULE_PATH.findall(text):
                    path = path.strip().strip('"').strip("/")
                    if path and (inside == path or inside.startswith(path + "/")):
                        shown = (top / path)
                        return (shown.relative_to(root.absolute()).as_posix()
                                if shown.is_relative_to(root.absolute()) else path)
            if (top / ".git").exists():
                return None
    except (OSError, ValueError):
        return None
    return None
