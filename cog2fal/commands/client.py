"""`cog2fal client`: rewrite code that calls Replicate's client to call the converted fal apps.

In place and atomic per file (a temporary file in the same folder, then a rename); `--diff`
and `--check` write nothing. A file that cannot be read is reported and left alone; the others
are still converted. The helper module is written once per folder that needs it."""

from __future__ import annotations

import difflib
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path

from cog2fal.client.building import HELPER_MODULE
from cog2fal.client.codemod import read_python, rewrite_text
from cog2fal.client.discovery import python_files
from cog2fal.client.references import load_map
from cog2fal.client.report import RunReport
from cog2fal.errors import CogProjectError


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def helper_source() -> str:
    return (resources.files("cog2fal.client").joinpath(f"support/{HELPER_MODULE}.py")
            .read_text(encoding="utf-8"))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data` in one step, keeping its permissions."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _encoding(path: Path, display: str) -> str:
    from cog2fal.reading.source import read_text
    return read_text(path, display)[1]


def run_client(paths: list[Path], map_file: Path | None, fal_owner: str | None, diff: bool, check: bool,
               as_json: bool) -> int:
    models = load_map(map_file, fal_owner)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise CogProjectError("no such file or folder", missing[0])
    report = RunReport()
    writes: dict[Path, bytes] = {}
    originals: dict[Path, str] = {}
    helper_folders: set[Path] = set()
    for path in python_files(paths):
        display = _display(path)
        try:
            text = read_python(path, display)
            package = (path.parent / "__init__.py").is_file()
            result = rewrite_text(text, display, models, package=package)
        except CogProjectError as error:
            report.errors.append(str(error))
            continue
        report.files.append(result)
        if result.text is not None:
            writes[path] = result.text.encode(_encoding(path, display))
            originals[path] = text
        if result.needs_helper:
            helper_folders.add(path.parent)
    helper = helper_source()
    for folder in sorted(helper_folders):
        target = folder / f"{HELPER_MODULE}.py"
        if not target.exists() or target.read_text(encoding="utf-8", errors="replace") != helper:
            writes[target] = helper.encode("utf-8")
            originals[target] = (target.read_text(encoding="utf-8", errors="replace") if target.exists()
                                 else "")
            report.helpers.append(_display(target))
    mode = "diff" if diff else "check" if check else "write"
    patch = "".join(
        "".join(difflib.unified_diff(
            originals[path].splitlines(keepends=True),
            writes[path].decode("utf-8", "replace").splitlines(keepends=True),
            f"a/{_display(path)}" if originals[path] else "/dev/null",
            f"b/{_display(path)}",
        ))
        for path in sorted(writes))
    if diff and not as_json:
        print(patch, end="")
    elif not diff and not check:
        for path, data in writes.items():
            write_atomically(path, data)
    if as_json:
        print(report.json(mode, patch if diff else None))
        for error in report.errors:
            sys.stderr.write(f"error: {error}\n")
    else:
        report.print_text(mode)
    if report.errors:
        return 2
    return 1 if (check or diff) and writes else 0
