"""Comparing and writing whole output trees (golden directories)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

from cog2fal.conversion import FileContent, content_bytes


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def write_tree(root: Path, files: Mapping[str, FileContent]) -> None:
    if root.exists():
        shutil.rmtree(root)
    for relative, data in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content_bytes(data))


def tree_differences(expected: Mapping[str, bytes], actual: Mapping[str, FileContent]) -> list[str]:
    problems = [f"missing {p}" for p in sorted(set(expected) - set(actual))]
    problems += [f"unexpected {p}" for p in sorted(set(actual) - set(expected))]
    problems += [f"differs {p}" for p in sorted(set(expected) & set(actual))
                 if expected[p] != content_bytes(actual[p])]
    return problems
