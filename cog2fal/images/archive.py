"""/src unpacked from the tar stream the engine exports, without trusting the image.

An image is someone else's file system. Its archive is read as a stream (weights in /src can
be gigabytes) and written only below the destination folder:

- a member named with an absolute path or a `..` part, or outside the exported folder, stops
  the export with an error: the engine never writes such names, so the archive is not what it
  claims to be;
- a link whose target leaves /src (`weights -> /root/.cache/…`), a device, a FIFO or a socket
  is not created; it is listed in `skipped` so the caller can say so;
- a link that stays inside is created pointing at its target as it reads (`a/../b` → `b`), so
  no `..` can climb out through another link; a last pass removes any link that still would;
- permissions keep only the executable bit; hard links become copies.

Cog's `.cog/` staging folder (state of the build, the schema file) is dropped: it is not part
of the project, and Cog 0.20+ images do not ship it at all.
"""

from __future__ import annotations

import io
import posixpath
import shutil
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cog2fal.errors import CogProjectError

STAGING = ".cog"


@dataclass
class Extracted:
    files: list[str] = field(default_factory=list)  # relative POSIX paths written
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (relative path, why)
    staging: list[str] = field(default_factory=list)  # `.cog/` files that were dropped


class _ChunkReader(io.RawIOBase):
    """A file object over the SDK's iterator of byte chunks, so tarfile can stream it."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # type: ignore[no-untyped-def]
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size


def _relative(name: str, top: str, where: str) -> str | None:
    """The member's path below the exported folder (`""` for the folder itself)."""
    if name.startswith("/") or "\\" in name:
        raise CogProjectError(f"the exported archive has an unsafe member name {name!r}", where)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise CogProjectError(f"the exported archive has an unsafe member name {name!r}", where)
    if not parts or parts[0] != top:
        raise CogProjectError(f"the exported archive has a member outside /{top}: {name!r}", where)
    return "/".join(parts[1:])


def _link_target(relative: str, target: str, top: str) -> str | None:
    """A symlink's target relative to its own folder when it stays inside /src, else None."""
    if target.startswith("/"):
        inside = posixpath.normpath(target)
        prefix = f"/{top}/"
        if not inside.startswith(prefix):
            return None
        resolved = inside[len(prefix):]
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(relative), target))
        if resolved == ".." or resolved.startswith("../") or resolved.startswith("/"):
            return None
    if resolved == "." or resolved.split("/")[0] == STAGING:
        return None
    start = posixpath.dirname(relative) or "."
    return posixpath.relpath(resolved, start)


def extract_folder(chunks: Iterable[bytes], destination: Path, where: str, top: str = "src") -> Extracted:
    """Unpack the archive of `/<top>` (as `get_archive` returns it) into `destination`."""
    result = Extracted()
    destination.mkdir(parents=True, exist_ok=True)
    destination = destination.resolve()
    try:
        with tarfile.open(fileobj=io.BufferedReader(_ChunkReader(chunks)), mode="r|") as archive:
            for member in archive:
                relative = _relative(member.name, top, where)
                if not relative:
                    continue
                if relative.split("/")[0] == STAGING:
                    if member.isfile():
                        result.staging.append(relative)
                    continue
                _extract_member(archive, member, relative, destination, result, top, where)
    except tarfile.TarError as exc:
        raise CogProjectError(f"cannot read the exported /{top} archive: {exc}", where) from None
    except OSError as exc:
        raise CogProjectError(f"cannot unpack /{top} into {destination}: {exc}", where) from None
    _drop_escaping_links(destination, result, top)
    return result


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _drop_escaping_links(destination: Path, result: Extracted, top: str) -> None:
    """Belt and braces: once every link exists, any whose real target is outside is removed."""
    root = destination.resolve()
    for relative in list(result.files):
        path = destination / relative
        if path.is_symlink() and not _inside(path.resolve(), root):
            path.unlink()
            result.files.remove(relative)
            result.skipped.append((relative, f"a link that resolves outside /{top}"))


def _extract_member(archive: tarfile.TarFile, member: tarfile.TarInfo, relative: str,
                    destination: Path, result: Extracted, top: str, where: str) -> None:
    path = destination / relative
    if any(parent.is_symlink() for parent in path.parents if _inside(parent, destination)) or \
            path.parent.exists() and not path.parent.is_dir():
        # The engine never writes members below a link or a file; nothing is written through one.
        result.skipped.append((relative, "its folder is a link or a file in the archive"))
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or path.exists() and not path.is_dir():
        path.unlink()  # a later member of the same name wins, as in tar
    if member.isdir():
        path.mkdir(exist_ok=True)
    elif member.isfile():
        source = archive.extractfile(member)
        assert source is not None
        with open(path, "wb") as handle:
            shutil.copyfileobj(source, handle, 1 << 20)
        path.chmod(0o755 if member.mode & 0o111 else 0o644)
        result.files.append(relative)
    elif member.issym():
        target = _link_target(relative, member.linkname, top)
        if target is None:
            result.skipped.append((relative, f"a link to {member.linkname}, outside /{top}"))
            return
        path.symlink_to(target)
        result.files.append(relative)
    elif member.islnk():
        linked = _relative(member.linkname, top, where)
        source_path = destination / linked if linked else None
        if source_path is None or not source_path.is_file() or source_path.is_symlink():
            result.skipped.append((relative, f"a hard link to {member.linkname}, not a file in /{top}"))
            return
        shutil.copyfile(source_path, path)
        result.files.append(relative)
    else:
        kind = "a device" if member.ischr() or member.isblk() else "a FIFO" if member.isfifo() \
            else "a special file"
        result.skipped.append((relative, f"{kind}, not a file"))
