"""The output folder: a project file shipped unchanged is copied from the project when written,
never held in memory, compared by size and then in chunks, and diffed only when small."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cog2fal.conversion import ConvertOptions, CopiedFile
from cog2fal.convert import convert_project
from cog2fal.output import DIFF_LIMIT, differences, unified_diff, write_tree

PREDICTOR = ("from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n"
             "    def predict(self, x: str) -> str:\n        return x\n")


def _project(tmp_path: Path, weights: bytes) -> Path:
    root = tmp_path / "model"
    root.mkdir()
    (root / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (root / "predict.py").write_text(PREDICTOR)
    (root / "notes.txt").write_text("one\ntwo\n")
    (root / "weights.bin").write_bytes(weights)
    return root


def test_project_files_are_copied_not_held(tmp_path: Path) -> None:
    weights = os.urandom(DIFF_LIMIT) * 3 + b"end"
    root = _project(tmp_path, weights)
    conversion = convert_project(root, ConvertOptions(mode="app"))
    held = conversion.files["weights.bin"]
    assert held == CopiedFile(root / "weights.bin", len(weights))
    assert isinstance(conversion.files["notes.txt"], CopiedFile)
    assert isinstance(conversion.files["predict.py"], bytes)  # rewritten: made by cog2fal
    out = tmp_path / "out"
    write_tree(conversion.files, out)
    assert (out / "weights.bin").read_bytes() == weights
    assert (out / "notes.txt").read_text() == "one\ntwo\n"
    assert differences(conversion.files, out) == []
    assert unified_diff(conversion.files, out) == ""

    # Same size, one byte changed at the end: found by the content comparison, shown as binary.
    (out / "weights.bin").write_bytes(weights[:-1] + b"E")
    (out / "notes.txt").write_text("one\nTWO\n")
    assert differences(conversion.files, out) == ["notes.txt", "weights.bin"]
    diff = unified_diff(conversion.files, out)
    assert "Binary file weights.bin differs\n" in diff
    assert "-TWO\n+two\n" in diff  # a small text file still shows its lines
    (out / "weights.bin").write_bytes(weights + b"more")  # another size: not read at all
    assert differences(conversion.files, out) == ["notes.txt", "weights.bin"]


def test_a_large_file_costs_no_memory(tmp_path: Path) -> None:
    """`cog2fal convert` of a project with a 1 GiB (sparse) file, in a process whose address
    space is capped far below what holding the file would need, within a time limit."""
    root = tmp_path / "model"
    root.mkdir()
    (root / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (root / "predict.py").write_text(PREDICTOR)
    with open(root / "weights.bin", "wb") as handle:
        handle.truncate(2**30)
    out = tmp_path / "out"
    limit = 600 * 2**20  # a conversion needs under 300 MiB of address space; the file is 1 GiB

    def capped() -> None:  # pragma: no cover - runs in the child
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    for extra in ([], ["--check"]):
        done = subprocess.run([sys.executable, "-m", "cog2fal", "convert", str(root), "--out", str(out),
                               "--mode", "app", *extra], capture_output=True, text=True, timeout=120,
                              preexec_fn=capped)
        assert done.returncode == 0, done.stderr
    assert (out / "weights.bin").stat().st_size == 2**30
