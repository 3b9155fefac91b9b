"""Writing the output directory atomically, or comparing it with what would be written."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path

from cog2fal.errors import CogProjectError


def existing_files(out: Path) -> dict[str, bytes]:
    if not out.is_dir():
        return {}
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found[path.relative_to(out).as_posix()] = path.read_bytes()
    return found


def differences(files: dict[str, bytes], out: Path) -> list[str]:
    """Relative paths that would be created, changed or removed by writing `files`."""
    current = existing_files(out)
    changed = [p for p, data in files.items() if current.get(p) != data]
    removed = [p for p in current if p not in files]
    return sorted(changed + removed)


def unified_diff(files: dict[str, bytes], out: Path) -> str:
    current = existing_files(out)
    chunks = []
    for path in sorted(set(files) | set(current)):
        old, new = current.get(path), files.get(path)
        if old == new:
            continue
        try:
            old_text = (old or b"").decode("utf-8").splitlines(keepends=True)
            new_text = (new or b"").decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            chunks.append(f"Binary file {path} differs\n")
            continue
        chunks.extend(difflib.unified_diff(
            old_text, new_text, f"a/{path}" if old is not None else "/dev/null",
            f"b/{path}" if new is not None else "/dev/null"))
    return "".join(chunks)


def check_writable(out: Path, model_dir: Path, force: bool) -> None:
    root = (model_dir.parent if model_dir.is_file() else model_dir).resolve()
    resolved = out.resolve()
    if resolved == root or root.is_relative_to(resolved):
        raise CogProjectError("the output folder must not be the Cog project or contain it", out)
    if out.exists() and not out.is_dir():
        raise CogProjectError("output path exists and is not a folder", out)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise CogProjectError("output folder is not empty; pass --force to replace it", out)


def write_tree(files: dict[str, bytes], out: Path) -> None:
    """Writes into a sibling temporary folder, then swaps it in: never a half-written output."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp's 0700 would otherwise stick to the output
    try:
        folders = {staging}
        for relative, data in files.items():
            target = staging / relative
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            target.write_bytes(data)
        if out.exists():
            backup = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
            backup.rmdir()
            os.replace(out, backup)
            try:
                os.replace(staging, out)
            except OSError:
                os.replace(backup, out)
                raise
            shutil.rmtree(backup, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
