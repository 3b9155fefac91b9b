"""`inspect` and `dockerfile` through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dockerfile

from tests.conftest import BROKEN, FIXTURES, ROOT

DEBUG = ROOT / "tests" / "fixtures" / "cog_debug" / "v0_20_cog_build_cpu"


def cog2fal(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", *args], capture_output=True, text=True,
                          input=stdin, timeout=120)


def test_inspect_json_describes_inputs_outputs_and_needs() -> None:
    done = cog2fal("inspect", str(FIXTURES / "module_side_effects"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    predictor = report["predictor"]
    assert predictor["name"] == "Predictor" and predictor["method"] == "predict"
    assert "preset" in [i["name"] for i in predictor["inputs"]]
    assert any(f["severity"] == "todo" and f["code"] == "C2F106" for f in report["findings"])
    assert report["mode"] in ("app", "container")


def test_inspect_human_output_lists_what_needs_a_hand() -> None:
    done = cog2fal("inspect", str(FIXTURES / "module_side_effects"))
    assert done.returncode == 0
    assert "Inputs" in done.stdout and "Needs a hand" in done.stdout and "predict.py:" in done.stdout


def test_inspect_bad_project_is_exit_2_one_line() -> None:
    done = cog2fal("inspect", str(BROKEN / "syntax_error"))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_dockerfile_from_stdin_to_stdout() -> None:
    text = (DEBUG / "cog_debug.Dockerfile").read_text()
    done = cog2fal("dockerfile", str(DEBUG), "--from", "-", stdin=text)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (DEBUG / "expected.Dockerfile").read_text()
    dockerfile.parse_string(done.stdout)


def test_dockerfile_generated_with_out_and_json(tmp_path: Path) -> None:
    out = tmp_path / "build" / "Dockerfile"
    done = cog2fal("dockerfile", str(FIXTURES / "build_run_secrets"), "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["source"] == "generated from cog.yaml"
    assert out.read_text() == report["dockerfile"]
    assert (out.parent / "requirements.txt").read_text() == report["requirements_txt"]


def test_dockerfile_missing_source_file_is_exit_2(tmp_path: Path) -> None:
    done = cog2fal("dockerfile", str(DEBUG), "--from", str(tmp_path / "nope.txt"))
    assert done.returncode == 2 and "nope.txt" in done.stderr
