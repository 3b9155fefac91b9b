"""Writing the output directory atomically, or comparing it with what would be written.

Whatever stops a write (an error, Ctrl-C, a SIGTERM: cli.py makes both a KeyboardInterrupt), the
output is the old one or the new one, whole, and no hidden staging folder stays beside it: the
staging folder is removed on the way out, and while folders are swapped or removed the signals
wait (they arrive right after). An OS refusal (a full disk, a read-only folder, a name too long)
is a `GivenPathError` naming the output path as the user gave it.

A project file shipped unchanged (a `CopiedFile`) is never loaded whole: it is copied with
`shutil.copyfile`, compared by size and then chunk by chunk, and `--diff` shows its text only
when it is small (`DIFF_LIMIT`), else one "Binary file … differs" line.
"""

from __future__ import annotations

import difflib
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from cog2fal.conversion import CopiedFile, FileContent
from cog2fal.errors import GivenPathError, from_os_error

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
    """Refuses, before anything is written, an output that would replace the project, land inside
    it (a later conversion would ship it with the app, unless .dockerignore leaves it out), sit
    under a file, or replace a non-empty folder without --force."""
    try:
        root = (model_dir.parent if model_dir.is_file() else model_dir).resolve()
        resolved = out.resolve()
        if resolved == root or root.is_relative_to(resolved):
            raise GivenPathError("the output folder must not be the Cog project or contain it", out)
        if _shipped_with(root, resolved):
            raise GivenPathError(
                f"the output folder is inside the Cog project {model_dir}: a later conversion would ship "
                "it with the app; write it outside the project (or leave it out in .dockerignore)", out)
        for parent in out.parents:
            if parent.exists() and not parent.is_dir():
                raise GivenPathError(f"cannot create the output folder: {parent} is a file, not a folder",
                                     out)
        if out.exists() and not out.is_dir():
            raise GivenPathError("output path exists and is not a folder", out)
        if out.is_dir() and any(out.iterdir()) and not force:
            raise GivenPathError("output folder is not empty; pass --force to replace it", out)
    except OSError as exc:  # a folder on the way that cannot be listed, a name too long
        raise _output_error(exc, out, "cannot use the output folder") from None


def check_outside_projects(folder: Path, model_dirs: list[Path], what: str = "the output folder") -> None:
    """An output (or `--out-root`) inside any project of a batch, its own or another one (a
    nested project's sibling), is where a later conversion of that project would ship it."""
    for model_dir in model_dirs:
        if not model_dir.exists():  # a Cog image reference: its project is a temporary folder
            continue
        root = (model_dir.parent if model_dir.is_file() else model_dir).resolve()
        if _shipped_with(root, folder.resolve()):
            raise GivenPathError(f"{what} is inside the Cog project {model_dir}: a later conversion "
                                 "would ship it with the app; choose a folder outside the projects", folder)


def _shipped_with(root: Path, folder: Path) -> bool:
    """Whether a folder would ship with the project at `root`: it is inside it, and the
    project's .dockerignore does not leave it out (Cog would not ship it then, and neither does
    cog2fal: shipping.py honours the same file)."""
    if not folder.is_relative_to(root):
        return False
    from cog2fal.reading.dockerignore import DockerIgnore

    ignore = DockerIgnore.of(root)
    return ignore is None or not ignore.prunes(folder.relative_to(root).as_posix())


_HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP wait until the block is done, then arrive: a folder swap or a
    clean-up is never cut in half (Python runs the handler at the first line after the block)."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: nothing to hold
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _hidden(name: str) -> str:
    """The prefix of a hidden sibling's name; short, so that an output name near the file
    system's limit still leaves room for it."""
    return f".{name[:64]}-"


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _output_error(exc: OSError, out: Path, doing: str) -> BaseException:
    """The error to show: the output path as given; a hidden sibling's name never (it is gone),
    the path inside the output instead."""
    beside = out.resolve().parent
    for attribute in ("filename", "filename2"):
        named = getattr(exc, attribute)
        if not isinstance(named, str) or not Path(named).is_relative_to(beside):
            continue
        parts = Path(named).relative_to(beside).parts
        if parts and parts[0].startswith(_hidden(out.name)):
            setattr(exc, attribute, str(Path(out, *parts[1:])))
    return from_os_error(exc, out, doing, GivenPathError) or exc


def write_tree(files: Mapping[str, FileContent], out: Path) -> None:
    """Writes into a hidden sibling folder, then swaps it in: never a half-written output."""
    shown = out
    out = out.resolve()
    staging: Path | None = None
    created: list[Path] = []
    try:
        _make_folder(out.parent, created)
        with _signals_held():
            staging = Path(tempfile.mkdtemp(prefix=_hidden(out.name), dir=out.parent))
        staging.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would otherwise stick to the output
        folders = {staging}
        for relative, data in files.items():
            target = staging / relative
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            if isinstance(data, CopiedFile):
                _copy_project_file(data, target)
            else:
                target.write_bytes(data)
        with _signals_held():
            _swap_in(staging, out)
    except BaseException as exc:
        with _signals_held():
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)  # gone already when the swap was done
            _remove_empty(created)
        if isinstance(exc, OSError):
            raise _output_error(exc, shown, "cannot write the output folder") from None
        raise


def _copy_project_file(data: CopiedFile, target: Path) -> None:
    """Streamed (in the kernel where it can); a project file that cannot be read is the
    project's fault, named at its own path, not the output's."""
    try:
        shutil.copyfile(data.source, target)
    except OSError as exc:
        # Only opening the source names it alone; the copy itself names both files (shutil
        # sets filename and filename2), and a full disk is the output's fault.
        if exc.filename is None or exc.filename2 is not None or Path(exc.filename) != data.source:
            raise OSError(exc.errno, exc.strerror) from None  # the output's side, as for bytes
        raise from_os_error(exc, data.source, "cannot read this project file") or exc from None


def _make_folder(folder: Path, created: list[Path]) -> None:
    """mkdir -p, noting each folder it creates (for `_remove_empty`); level by level, as
    Path.mkdir(parents=True) recurses once per missing level."""
    missing = []
    for parent in [folder, *folder.parents]:
        if parent.is_dir():
            break
        missing.append(parent)
    for parent in reversed(missing):
        try:
            parent.mkdir()
        except FileExistsError:
            if not parent.is_dir():
                raise
            continue
        created.append(parent)


def _remove_empty(created: list[Path]) -> None:
    """The folders a failed write created on the way to the output, if still empty."""
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            return


def _swap_in(staging: Path, out: Path) -> None:
    """`staging` becomes `out`; the previous `out`, if any, is removed once the new one is in."""
    if not out.exists():
        os.replace(staging, out)
        return
    backup = Path(tempfile.mkdtemp(prefix=f"{_hidden(out.name)}old-", dir=out.parent))
    backup.rmdir()
    os.replace(out, backup)
    try:
        os.replace(staging, out)
    except OSError:
        os.replace(backup, out)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def check_replaceable(files: dict[Path, bytes], force: bool) -> None:
    """Refuses, before anything is written, a file whose place is a folder or lies under a file,
    or one that would replace different content without --force (the same content is no change)."""
    for target, data in files.items():
        try:
            for parent in target.parents:
                if parent.exists() and not parent.is_dir():
                    raise GivenPathError(f"cannot write: {parent} is a file, not a folder", target)
            if target.is_dir():
                raise GivenPathError("is a folder", target)
            if target.exists() and not force and (target.stat().st_size != len(data)
                                                  or target.read_bytes() != data):
                raise GivenPathError("exists and would change; pass --force to replace it", target)
        except OSError as exc:  # a folder on the way that cannot be listed, a name too long
            raise _output_error(exc, target, "cannot write") from None


def write_files(files: dict[Path, bytes]) -> None:
    """Each file written beside its place under a hidden name, then each renamed into place with
    signals held: never half a file, and a failure before the renames (a full disk) leaves every
    file that was there as it was."""
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []
    target = next(iter(files), Path("."))
    try:
        for target, data in files.items():
            _make_folder(target.parent, created)
            with _signals_held():
                handle, name = tempfile.mkstemp(prefix=_hidden(target.name), dir=target.parent)
                staged.append((Path(name), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.chmod(name, 0o666 & ~_umask())  # mkstemp's 0600 would otherwise stick to the file
        with _signals_held():
            for temporary, target in staged:
                os.replace(temporary, target)
    except BaseException as exc:
        with _signals_held():
            for temporary, _ in staged:
                temporary.unlink(missing_ok=True)  # gone already when it was renamed into place
            _remove_empty(created)
        if isinstance(exc, OSError):
            raise _output_error(exc, target, "cannot write") from None
        raise
