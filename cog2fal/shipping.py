"""Which files of the Cog project ship with the app: what Cog would have put in /src.

Cog copies the project with `COPY . /src`: Docker keeps a symbolic link as a link, so in the
image a link inside the project reads its target's content, and a link out of it points at
nothing of the project. fal's `app_files` upload follows a file link and stores the file under
its *target's* path (and does not descend into linked folders), so the output holds content, not
links: a link to a file inside the project ships that file's content at the link's path, a link
to a folder inside ships the folder's files below the link's path, which is what the model reads
under /src either way. A link is not followed when it leaves the project, is broken, loops back
to a folder that holds it, or points at a path the build context leaves out (`.dockerignore`,
`.git`, ...); FIFOs, sockets and devices are never opened. Each is reported at its path.
"""

from __future__ import annotations

import os
import stat
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
# (rglob, rmtree) recurse once per level, up to a limit of about a thousand.
MAX_DEPTH = 256
# Linked folders followed in one project: each is walked again below its link, so links to
# links could otherwise multiply the tree (two links a level, twenty levels: a million walks).
MAX_LINKED_FOLDERS = 256


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"


class _Walk:
    """One walk of the project; every path is stat'ed without following links unless the link
    has been checked, and only regular files are listed (nothing is opened here)."""

    def __init__(self, root: Path, findings: list[Finding], exclude: set[Path]):
        self.root = root
        self.real_root = Path(os.path.realpath(root))
        self.ignore = DockerIgnore.of(root)
        self.findings = findings
        self.exclude = exclude
        self.files: list[str] = []
        self.linked_folders = 0

    def report(self, code: Code, relative: str, message: str) -> None:
        self.findings.append(Finding(code, f"`{relative}` {message}", Location(relative, 1)))

    # ------------------------------------------------------------------ what the context holds

    def folder_ships(self, name: str, real_relative: str, real: Path) -> bool:
        return not (name in _ALWAYS_SKIP_DIRS or real in self.exclude
                    or self.ignore is not None and self.ignore.prunes(real_relative))

    def file_ships(self, name: str, real_relative: str) -> bool:
        if name.endswith((".pyc", ".pyo")) or name in _SKIP_FILES and "/" not in real_relative:
            return False
        return not (self.ignore is not None and self.ignore.ignores(real_relative))

    def target_ships(self, real_relative: str, is_folder: bool) -> bool:
        """Whether the build context holds this path (a link's target): no folder on the way
        to it is left out, and it is not left out itself."""
        parts = real_relative.split("/")
        for depth in range(1, len(parts) + (1 if is_folder else 0)):
            folder = "/".join(parts[:depth])
            if not self.folder_ships(parts[depth - 1], folder, self.real_root / folder):
                return False
        return is_folder or self.file_ships(parts[-1], real_relative)

    # ------------------------------------------------------------------ the walk

    def run(self) -> list[str]:
        # (path shown and shipped, the real folder, its path in the context, the real folders
        # above it: a link back to one of them loops)
        stack: list[tuple[str, Path, str, frozenset[Path]]] = [
            ("", self.real_root, "", frozenset([self.real_root]))]
        while stack:
            shown, real_dir, real_relative, above = stack.pop()
            if shown.count("/") >= MAX_DEPTH:
                raise CogProjectError(f"folders nest more than {MAX_DEPTH} levels deep here: cog2fal "
                                      "does not convert such a tree", shown)
            try:
                entries = sorted(os.scandir(real_dir), key=lambda e: e.name, reverse=True)
            except OSError as exc:
                # Cog's build fails on it, and skipping it would leave it silently out of the app.
                raise CogProjectError(f"cannot list this folder: {os_error_reason(exc)}",
                                      shown or ".") from None
            for entry in entries:
                relative = f"{shown}/{entry.name}" if shown else entry.name
                inner = f"{real_relative}/{entry.name}" if real_relative else entry.name
                try:
                    mode = entry.stat(follow_symlinks=False).st_mode
                except OSError:
                    continue
                if stat.S_ISLNK(mode):
                    stack.extend(self.link(entry, relative, inner, above))
                elif stat.S_ISDIR(mode):
                    real = Path(entry.path)
                    if self.folder_ships(entry.name, inner, real):
                        stack.append((relative, real, inner, above | {real}))
                elif stat.S_ISREG(mode):
                    if self.file_ships(entry.name, inner):
                        self.add(relative, entry.stat(follow_symlinks=False).st_size)
                elif not (self.ignore is not None and self.ignore.ignores(inner)):
                    self.report(Code.SPECIAL_FILE, relative, f"is {_kind(mode)}: not opened, not shipped")
        return sorted(self.files)

    def link(self, entry: os.DirEntry, relative: str, inner: str,
             above: frozenset[Path]) -> list[tuple[str, Path, str, frozenset[Path]]]:
        """A link is checked before anything is read through it; a folder it leads to is
        walked below the link's path."""
        if entry.name in _ALWAYS_SKIP_DIRS or entry.name.endswith((".pyc", ".pyo")) or \
                entry.name in _SKIP_FILES and "/" not in inner or \
                self.ignore is not None and self.ignore.ignores(inner):
            return []  # the build context leaves the link itself out
        try:
            written = os.readlink(entry.path)
        except OSError:
            written = "?"
        try:
            real = Path(os.path.realpath(entry.path, strict=True))
        except (OSError, RuntimeError):
            self.report(Code.LINK_NOT_FOLLOWED, relative,
                        f"is a link to `{written}`, which does not exist or loops: not shipped")
            return []
        if not real.is_relative_to(self.real_root):
            self.report(Code.LINK_NOT_FOLLOWED, relative,
                        f"is a link to `{written}`, outside the project: not followed, not shipped")
            return []
        target = real.relative_to(self.real_root).as_posix()
        try:
            status = os.stat(real)  # the target: its kind, and its size if it ships
        except OSError:
            return []
        mode = status.st_mode
        is_folder = stat.S_ISDIR(mode)
        if not (is_folder or stat.S_ISREG(mode)):
            self.report(Code.SPECIAL_FILE, relative,
                        f"is a link to {_kind(mode)} (`{written}`): not opened, not shipped")
            return []
        if real in above:  # the project's root is always there: a link to `.` loops too
            self.report(Code.LINK_NOT_FOLLOWED, relative,
                        f"is a link to `{written}`, a folder that holds it: not followed")
            return []
        if not self.target_ships(target, is_folder):
            self.report(Code.LINK_NOT_FOLLOWED, relative,
                        f"is a link to `{target}`, which the build context leaves out: not shipped")
            return []
        if not is_folder:
            self.add(relative, status.st_size)
            return []
        self.linked_folders += 1
        if self.linked_folders > MAX_LINKED_FOLDERS:
            self.report(Code.LINK_NOT_FOLLOWED, relative,
                        f"is a link to the folder `{target}`: more than {MAX_LINKED_FOLDERS} linked "
                        "folders in the project, not followed")
            return []
        return [(relative, real, target, above | {real})]

    def add(self, relative: str, size: int) -> None:
        if size > _LARGE:
            self.findings.append(Finding(
                Code.LARGE_FILE,
                f"`{relative}` is {size // 2**20} MB; it is uploaded with "
                "every deploy — consider downloading it in setup() instead",
                Location(relative, 1)))
        self.files.append(relative)


def project_files(root: Path, findings: list[Finding], exclude: set[Path] | None = None) -> list[str]:
    """Relative POSIX paths of the files to ship, sorted; `.dockerignore` is honoured as Docker
    honours it when Cog copies the project into /src (see reading/dockerignore.py). Links and
    special files: see the module's docstring. `exclude`: folders never shipped (the output)."""
    real_exclude = {Path(os.path.realpath(p)) for p in (exclude or set())}
    return _Walk(root, findings, real_exclude).run()


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
