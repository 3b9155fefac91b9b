"""Helpers for the `cog2fal verify` tests: the runtime interpreter, conversions, /proc scans.

`cog2fal verify` runs in ONE interpreter that has cog 0.23.1, fal 1.83.0, cog2fal and the
example models' dependencies (Pillow, numpy, torch 2.13.0): `COG2FAL_RUNTIME_PYTHON`
(scripts/test.sh and CI set it), else `/work/venvs/runtime/bin/python` when it exists. The
tests run verify as a subprocess of that interpreter with this checkout first on PYTHONPATH,
so the code under test is this repository's even if the venv has another cog2fal installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from cog2fal.cli import app as cli_app
from tests.support.signals import default_signal_handling

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
RUNNABLE = ["text-tools", "image-filter", "streaming-text", "tiny-torch", "audio-tools",
            "caption-json", "async-echo"]
DEFAULT_RUNTIME = Path("/work/venvs/runtime/bin/python")
VERIFY_TIMEOUT = 240


def runtime_python() -> str | None:
    configured = os.environ.get("COG2FAL_RUNTIME_PYTHON")
    if configured:
        return configured
    return str(DEFAULT_RUNTIME) if DEFAULT_RUNTIME.exists() else None


def verify_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COG_")}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra or {})
    return env


def verify_argv(python: str, model: Path, fal_dir: Path, *args: str) -> list[str]:
    return [python, "-m", "cog2fal", "verify", str(model), str(fal_dir), *args]


def run_verify(python: str, model: Path, fal_dir: Path, *args: str,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(verify_argv(python, model, fal_dir, *args), cwd=ROOT, env=verify_env(env),
                          capture_output=True, text=True, timeout=VERIFY_TIMEOUT)


def report_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"no JSON report (exit {done.returncode}):\n{done.stdout}\n{done.stderr}") \
            from None


def convert(model: Path, out: Path) -> Path:
    """`cog2fal convert MODEL --out OUT`, through the real CLI."""
    result = CliRunner().invoke(cli_app, ["convert", str(model), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    return out


def write_project(folder: Path, predict_py: str, packages: tuple[str, ...] = ()) -> Path:
    """A small Cog project: cog.yaml + predict.py."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["build:", "  python_version: \"3.11\""]
    if packages:
        lines.append("  python_packages:")
        lines += [f"    - \"{p}\"" for p in packages]
    lines.append("predict: \"predict.py:Predictor\"")
    (folder / "cog.yaml").write_text("\n".join(lines) + "\n")
    (folder / "predict.py").write_text(textwrap.dedent(predict_py).lstrip())
    return folder


# ----------------------------------------------------------------------------- /proc


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it does not exist."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return fields[0], int(fields[1])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def descendants(root: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None:
                children.setdefault(stat[1], []).append(int(entry.name))
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    with contextlib.suppress(OSError):
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def listening(pids: set[int]) -> list[tuple[int, str, int]]:
    """(pid, address, port) of every TCP socket in LISTEN state the processes hold."""
    by_inode = {inode: pid for pid in pids for inode in _socket_inodes(pid)}
    found = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if parts[3] != "0A" or parts[9] not in by_inode:
                    continue
                address, port = parts[1].split(":")
                found.append((by_inode[parts[9]], _address(address, v6), int(port, 16)))
    return found


def _address(hex_address: str, v6: bool) -> str:
    if not v6:
        return ".".join(str(int(hex_address[i:i + 2], 16)) for i in (6, 4, 2, 0))
    words = [hex_address[i:i + 8] for i in range(0, 32, 8)]
    raw = b"".join(bytes.fromhex(w)[::-1] for w in words)
    return ":".join(raw[i:i + 2].hex() for i in range(0, 16, 2))


@dataclass
class Watched:
    """What a verify process started while it ran, seen through /proc."""

    returncode: int
    stdout: str
    stderr: str
    pids: dict[int, str] = field(default_factory=dict)  # pid → command line
    sockets: set[tuple[int, str, int]] = field(default_factory=set)

    def survivors(self, wait: float = 10.0) -> dict[int, str]:
        """Children still alive (not zombies) after `wait` seconds."""
        deadline = time.monotonic() + wait
        while True:
            alive = {}
            for pid, cmd in self.pids.items():
                stat = _stat(pid)
                if stat is not None and stat[0] != "Z" and _cmdline(pid) == cmd:
                    alive[pid] = cmd
            if not alive or time.monotonic() > deadline:
                return alive
            time.sleep(0.1)


def watch_verify(argv: list[str], *, interrupt_when: Any = None, timeout: float = VERIFY_TIMEOUT,
                 env: dict[str, str] | None = None, signal_number: int = signal.SIGINT) -> Watched:
    """Runs verify, recording its descendants and their listening sockets every 50 ms.

    `interrupt_when(watched)` is called on each scan; when it returns true the verify process
    gets `signal_number` (SIGINT: Ctrl-C in a terminal). The signal goes to verify only: its
    servers run in their own sessions, and verify must stop them itself.
    """
    # Output goes to files, not pipes: nobody reads a pipe while we watch, and a verify that
    # writes more than a pipe holds would block there and look like a hang.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(argv, cwd=ROOT, env=verify_env(env), stdout=out, stderr=err,
                                   text=True, preexec_fn=default_signal_handling)
        watched = Watched(0, "", "")
        deadline = time.monotonic() + timeout
        interrupted = False
        try:
            while process.poll() is None:
                for pid in descendants(process.pid):
                    cmd = _cmdline(pid)
                    if cmd:
                        watched.pids[pid] = cmd  # the latest: a fresh fork still shows its parent's
                watched.sockets.update(listening(set(watched.pids)))
                if interrupt_when is not None and not interrupted and interrupt_when(watched):
                    process.send_signal(signal_number)
                    interrupted = True
                if time.monotonic() > deadline:
                    err.seek(0)
                    raise AssertionError(
                        f"verify did not finish in time (signal sent: {interrupted}; processes: "
                        f"{sorted(watched.pids.values())}; listening: {sorted(watched.sockets)}); "
                        f"its stderr ends:\n{err.read()[-3000:]}")
                time.sleep(0.05)
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    watched.returncode, watched.stdout, watched.stderr = process.returncode, stdout, stderr
    return watched

