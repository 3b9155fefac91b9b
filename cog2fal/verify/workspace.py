"""Throw-away copies of the Cog project and of the fal app that the servers run in.

Both servers import and run the user's code, which may write next to itself (caches, outputs,
`.cog/`), so they work on copies and the folders the user passed are never modified. Files
of 16 MB or more (weights) are hard-linked instead of copied when the file system allows it;
models that rewrite their own weights in place are not expected.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from cog2fal.verify.processes import signals_deferred

_SKIPPED = {".git", ".hg", ".svn", "__pycache__", ".cog", ".venv", "venv", ".mypy_cache",
            ".pytest_cache", ".ruff_cache", "node_modules"}
_LINK_FROM = 16 * 1024 * 1024


def _copy(source: str, target: str) -> str:
    if os.path.getsize(source) >= _LINK_FROM:
        with contextlib.suppress(OSError):
            os.link(source, target)
            return target
    return shutil.copy2(source, target)


def copy_tree(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True, copy_function=_copy,
                    ignore=lambda _dir, names: [n for n in names if n in _SKIPPED])
    return target


@contextlib.contextmanager
def scratch(prefix: str = "cog2fal-verify-") -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield folder
    finally:
        with signals_deferred():
            shutil.rmtree(folder, ignore_errors=True)
