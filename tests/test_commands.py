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


def test_dockerfile_out_keeps_files_that_would_change_unless_forced(tmp_path: Path) -> None:
    """The requirements.txt beside --out may be the user's (the project's own, when --out is in
    the project folder): replaced only with --force, and only whole."""
    out = tmp_path / "Dockerfile"
    (tmp_path / "requirements.txt").write_text("mine\n")
    refused = cog2fal("dockerfile", str(FIXTURES / "build_run_secrets"), "--out", str(out))
    assert refused.returncode == 2, refused.stderr
    assert refused.stderr == (f"error: {tmp_path / 'requirements.txt'}: exists and would change; "
                              "pass --force to replace it\n")
    assert (tmp_path / "requirements.txt").read_text() == "mine\n" and not out.exists()
    forced = cog2fal("dockerfile", str(FIXTURES / "build_run_secrets"), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "torch" in (tmp_path / "requirements.txt").read_text() and out.read_text().startswith("#syntax")
    again = cog2fal("dockerfile", str(FIXTURES / "build_run_secrets"), "--out", str(out))
    assert again.returncode == 0, again.stderr  # the same content: nothing to protect
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Dockerfile", "requirements.txt"]


def test_dockerfile_out_naming_a_folder_writes_the_dockerfile_in_it(tmp_path: Path) -> None:
    done = cog2fal("dockerfile", str(FIXTURES / "build_run_secrets"), "--out", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["out"] == str(tmp_path / "Dockerfile")
    assert (tmp_path / "Dockerfile").read_text() == report["dockerfile"]
    assert (tmp_path / "requirements.txt").read_text() == report["requirements_txt"]


def test_dockerfile_out_the_machine_refuses_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    out = tmp_path / "afile" / "Dockerfile"
    done = cog2fal("dockerfile", str(FIXTURES / "build_run_secrets"), "--out", str(out))
    assert done.returncode == 2
    assert done.stderr == (f"error: {tmp_path / 'afile' / 'Dockerfile'}: cannot write: {tmp_path / 'afile'} "
                           "is a file, not a folder\n")
