"""Shared helpers for the benchmark scripts: timing, the projects, the console script."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "projects"
EXAMPLES = ROOT / "examples"
# A typical project: a Cog image filter with a helper module, a requirements file and a few inputs.
TYPICAL = EXAMPLES / "image-filter" / "cog"


def console_script() -> str:
    """The `cog2fal` entry point installed next to this Python (what users run)."""
    beside = Path(sys.executable).with_name("cog2fal")
    found = str(beside) if beside.is_file() else shutil.which("cog2fal")
    if not found:
        sys.exit("no `cog2fal` console script: pip install -e . in this environment first")
    return found


def all_projects() -> list[Path]:
    """Every Cog project the repository holds: the test fixtures and the examples."""
    fixtures = sorted(p for p in FIXTURES.iterdir() if (p / "cog.yaml").is_file())
    examples = sorted(p for p in EXAMPLES.glob("*/cog") if (p / "cog.yaml").is_file())
    return fixtures + examples


def memory_folder() -> str | None:
    """A RAM-backed folder if the machine has one, for the projects and the outputs. Outputs
    are small files (about 500 for 100 projects); on a disk the time to create them swings
    with the journal's state from run to run (here by up to 20%), which measures the disk,
    not cog2fal. `--tmp DIR` picks another place."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def time_once(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def timings(fn: Callable[[], object], runs: int, warmup: int = 1,
            cleanup: Callable[[], object] | None = None) -> list[float]:
    """Times `fn` `runs` times after `warmup` untimed calls; `cleanup` runs after each call,
    untimed (removing what a run wrote is not part of the work measured)."""
    values = []
    for index in range(warmup + runs):
        elapsed = time_once(fn)
        if cleanup is not None:
            cleanup()
        if index >= warmup:
            values.append(elapsed)
    return values


# As installed: Python caches bytecode (pip compiles it at install time). A shell that sets
# PYTHONDONTWRITEBYTECODE would make every run recompile cog2fal's own modules from source.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], **kwargs) -> None:
    done = subprocess.run(cmd, capture_output=True, text=True, env=ENV, **kwargs)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[:4])} ... failed ({done.returncode}):\n{done.stderr[-2000:]}")


def report(label: str, values: list[float], target: float | None = None) -> float:
    median = statistics.median(values)
    line = (f"{label:<58} median {median * 1000:8.1f} ms  (min {min(values) * 1000:.1f}, "
            f"max {max(values) * 1000:.1f}, n={len(values)})")
    if target is not None:
        line += f"  target < {target * 1000:.0f} ms: {'ok' if median < target else 'MISSED'}"
    print(line, flush=True)
    return median


def header(title: str) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{title} — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load:.2f}")
