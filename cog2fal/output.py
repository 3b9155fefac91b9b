"""Writing the output directory atomically, or comparing it with what would be written.

A project file shipped unchanged (a `CopiedFile`) is never loaded whole: it is copied with
`shutil.copyfile`, compared by size and then chunk by chunk, and `--diff` shows its text only
when it is small (`DIFF_LIMIT`), else one "Binary file … differs" line.
"""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from cog2fal.conversion import CopiedFile, FileContent
from cog2fal.errors import CogProjectError

_CHUNK = 1 << 20
DIFF_LIMIT = 1 << 20  # files larger than this are "Binary file … differs" in --diff


def existing_files(out: Path) -> dict[str, Path]:
    """The files already in `out`, by relative path (not read)."""
    if not out.is_dir():
        return {}
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            found[path.relative_to(out).as_posix()] = path
    return found


def _same_file(left: Path, right: Path) -> bool:
    with open(left, "rb") as one, open(right, "rb") as other:
        while True:
            a, b = one.read(_CHUNK), other.read(_CHUNK)
            if a != b:
                return False
            if not a:
                return True


def same_content(content: FileContent, path: Path) -> bool:
    """Whether the file at `path` holds `content`: sizes first, then the bytes, in chunks."""
    size = path.stat().st_size
    if isinstance(content, CopiedFile):
        return size == content.source.stat().st_size and _same_file(content.source, path)
    return size == len(content) and path.read_bytes() == content


def differences(files: Mapping[str, FileContent], out: Path) -> list[str]:
    """Relative paths that would be created, changed or removed by writing `files`."""
    current = existing_files(out)
    changed = [p for p, content in files.items() if p not in current or not same_content(content, current[p])]
    removed = [p for p in current if p not in files]
    return sorted(changed + removed)


def _diffable(content: FileContent | Path | None) -> bytes | None:
    """The bytes to diff, or None when the file is too large to show (a binary difference)."""
    if content is None:
        return b""
    if isinstance(content, bytes):
        return content
    path = content.source if isinstance(content, CopiedFile) else content
    return path.read_bytes() if path.stat().st_size <= DIFF_LIMIT else None


def unified_diff(files: Mapping[str, FileContent], out: Path) -> str:
    current = existing_files(out)
    chunks = []
    for path in sorted(set(files) | set(current)):
        new, old_path = files.get(path), current.get(path)
        if new is not None and old_path is not None and same_content(new, old_path):
            continue
        old_bytes, new_bytes = _diffable(old_path), _diffable(new)
        if old_bytes is None or new_bytes is None:
            chunks.append(f"Binary file {path} differs\n")
            continue
        try:
            old_text = old_bytes.decode("utf-8").splitlines(keepends=True)
            new_text = new_bytes.decode("utf-8").splitlines(keepends=True)
        except UnicodeDecodeError:
            chunks.append(f"Binary file {path} differs\n")
            continue
        chunks.extend(difflib.unified_diff(
            old_text, new_text, f"a/{path}" if old_path is not None else "/dev/null",
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


def write_tree(files: Mapping[str, FileContent], out: Path) -> None:
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
            if isinstance(data, CopiedFile):
                shutil.copyfile(data.source, target)  # streamed (in the kernel where it can)
            else:
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
