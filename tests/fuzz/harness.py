"""Runs one fuzzed Cog project through the real CLI and checks the contract on bad input.

A case either converts (exit 0, a complete output folder whose fal_app.py compiles) or is
refused (exit 2, exactly one stderr line `error: FILE:LINE: message`); never a traceback, an
uncaught exception or an "internal error", and nothing is written outside `--out`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from cog2fal.cli import app

RUNNER = CliRunner()
LOCATED = re.compile(r"^error: .+:\d+: \S")
# Errors about the project folder itself name no file, hence no line.
FOLDER_ERRORS = ("no cog.yaml in this folder", "no such file or directory")


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def write_project(root: Path, files: dict[str, bytes | str]) -> Path:
    project = root / "project"
    for relative, data in files.items():
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return project


def snapshot(root: Path) -> dict[str, bytes | None]:
    found: dict[str, bytes | None] = {}
    for path in sorted(root.rglob("*")):
        # Links and special files are not read (a FIFO would block, a link may leave the tree).
        regular = path.is_file() and not path.is_symlink()
        found[path.relative_to(root).as_posix()] = path.read_bytes() if regular else None
    return found


def run_in_process(project: Path, out: Path, *extra: str) -> Outcome:
    result = RUNNER.invoke(app, ["convert", str(project), "--out", str(out), *extra])
    error = result.exception
    if error is not None and not isinstance(error, SystemExit):
        detail = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        raise AssertionError(f"uncaught exception in the CLI:\n{detail}")
    return Outcome(result.exit_code, result.stdout, result.stderr)


def run_subprocess(project: Path, out: Path, *extra: str, memory: int | None = None,
                   timeout: float = 120) -> Outcome:
    """The console entry point in a fresh interpreter; `memory` caps its address space (bytes)."""
    command = [sys.executable, "-m", "cog2fal", "convert", str(project), "--out", str(out), *extra]

    def limit() -> None:  # pragma: no cover - runs in the child
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
                          preexec_fn=limit if memory else None)
    return Outcome(done.returncode, done.stdout, done.stderr)


def app_file(out: Path) -> Path:
    """`cog2fal_app.py` when the project ships its own fal_app.py, else fal_app.py."""
    alternative = out / "cog2fal_app.py"
    return alternative if alternative.is_file() else out / "fal_app.py"


def check_outcome(outcome: Outcome, project: Path, out: Path, before: dict[str, bytes | None]) -> None:
    shown = (f"exit {outcome.exit_code}\n--- stdout\n{outcome.stdout[-3000:]}\n"
             f"--- stderr\n{outcome.stderr[-3000:]}")
    everything = outcome.stdout + outcome.stderr
    assert "Traceback" not in everything, shown
    assert "internal error" not in everything.lower(), shown
    assert snapshot(project) == before, "the Cog project was modified"
    stray = sorted(p.name for p in out.parent.iterdir() if p != out)
    assert not stray, f"written outside --out: {stray}\n{shown}"
    if outcome.exit_code == 0:
        app = app_file(out)
        assert app.is_file() and (out / "MIGRATION.md").is_file(), shown
        assert (out / "cog2fal_runtime.py").is_file(), shown
        compile(app.read_text(encoding="utf-8"), str(app), "exec", dont_inherit=True)
        # Every file ships (fal's app_files), except what a .dockerignore leaves out, as in Cog.
        copied = {p for p, data in before.items() if data is not None and ".dockerignore" not in before}
        missing = sorted(p for p in copied if p != "cog.yaml" and not (out / p).exists()
                         and not p.endswith((".pyc", ".pyo")) and "__pycache__" not in p
                         and not p.startswith(".") and p != ".dockerignore")
        assert not missing, f"files missing from the output: {missing[:10]}\n{shown}"
    elif outcome.exit_code == 2:
        lines = outcome.stderr.strip().splitlines()
        assert len(lines) == 1, shown
        if not lines[0].endswith(FOLDER_ERRORS):
            assert LOCATED.match(lines[0]), f"not `error: FILE:LINE: message`\n{shown}"
        assert not out.exists(), f"a refused conversion left output behind\n{shown}"
    else:
        raise AssertionError(f"unexpected exit code\n{shown}")


@contextmanager
def case_dir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="cog2fal-fuzz-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


def convert_case(files: dict[str, bytes | str], *extra: str, subprocess_run: bool = False,
                 memory: int | None = None, timeout: float = 120) -> Outcome:
    """Writes the project, converts it (in process, or in a real process with optional limits)
    and checks the outcome."""
    with case_dir() as root:
        project = write_project(root, files)
        before = snapshot(project)
        out = root / "converted" / "out"
        out.parent.mkdir()
        if subprocess_run or memory:
            outcome = run_subprocess(project, out, *extra, memory=memory, timeout=timeout)
        else:
            outcome = run_in_process(project, out, *extra)
        check_outcome(outcome, project, out, before)
        return outcome


def project_files(root: Path) -> dict[str, bytes | str]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts}
