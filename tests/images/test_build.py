"""Builds on the real engine: the json-query example (jq, a Debian package) built from the
Dockerfile cog2fal writes, smoke-tested, and served inside its image answering as Cog's runtime
does; a failing build reported as one line. Uses the local python:3.11-slim (no registry here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cog2fal.cli import app as cli_app
from cog2fal.errors import CogProjectError
from cog2fal.images.build import build_image
from tests.conftest import EXAMPLES, ROOT
from tests.verify.helpers import run_verify

EXAMPLE = EXAMPLES / "json-query"
TAG = "cog2fal-test/json-query:latest"


def _cog2fal(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, "COLUMNS": "200"})


def _layer_cache() -> Path:
    root = os.environ.get("COG2FAL_TEST_CACHE") or os.path.join("~", ".cache", "cog2fal-tests")
    return Path(root).expanduser() / "images" / "json-query.tar"


@pytest.fixture(scope="module")
def built_example(docker_client: Any, python_base_image: str, tmp_path_factory: pytest.TempPathFactory):
    """`convert examples/json-query/cog --build --json`: the app folder and the JSON report.

    The image of the last run is loaded first (`docker save` under COG2FAL_TEST_CACHE): the build
    takes its layers wherever the builder finds the same instruction on the same parent, as any
    rebuild does, and redoes every step from the first change (a changed Dockerfile or app)."""
    cache = _layer_cache()
    if cache.is_file():
        with open(cache, "rb") as handle:
            docker_client.images.load(handle)
    out = tmp_path_factory.mktemp("json-query") / "fal"
    done = _cog2fal("convert", str(EXAMPLE / "cog"), "--out", str(out), "--build", "--tag", TAG, "--json")
    assert done.returncode == 0, done.stderr[-3000:]
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(".partial")
    with open(partial, "wb") as handle:
        for chunk in docker_client.images.get(TAG).save(named=True):
            handle.write(chunk)
    partial.replace(cache)
    yield out, json.loads(done.stdout)
    docker_client.images.remove(TAG, force=True)


def test_the_example_builds_and_passes_the_smoke_test(built_example, docker_client: Any) -> None:
    out, report = built_example
    assert report["mode"] == "container"
    build = report["build"]
    assert build["tag"] == TAG and build["size_bytes"] > 100_000_000
    # Cache mounts dropped for the classic builder, named by their line in fal_app.py.
    app_lines = (out / "fal_app.py").read_text(encoding="utf-8").split("\n")
    assert build["dropped_for_the_legacy_builder"] == [
        f"line {number}: --mount=type=cache,target=/var/cache/apt,sharing=locked"
        for number, line in enumerate(app_lines, 1) if line.startswith("RUN --mount=type=cache")]
    assert len(build["dropped_for_the_legacy_builder"]) == 2
    checks = {check["check"]: check for check in build["smoke_test"]}
    assert list(checks) == ["working folder", "import fal", "import cog2fal_runtime", "model files",
                            "pip check"]
    assert all(check["ok"] for check in checks.values()), checks
    assert checks["import cog2fal_runtime"]["detail"].startswith("/src/cog2fal_runtime.py")
    # The image holds what the context ships: the model code, not the app file fal pickles.
    listing = docker_client.containers.run(TAG, ["sh", "-c", "ls -A /src; command -v jq"], remove=True,
                                           network_mode="none").decode().split()
    assert listing == [".dockerignore", "README.md", "cog2fal_runtime.py", "predict.py", "/usr/bin/jq"]


def test_the_app_served_inside_its_image_answers_like_cog(built_example, runtime: str) -> None:
    out, _report = built_example
    cases = sorted((EXAMPLE / "cases").glob("*.json"))
    args = ["--in-image", "--image", TAG, "--json"] + [a for c in cases for a in ("--case", str(c))]
    done = run_verify(runtime, EXAMPLE / "cog", out, *args)
    report = json.loads(done.stdout)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"the fal app was served inside the image {TAG}" in report["notes"]
    assert [r["status"] for r in report["cases"]] == ["match"] * len(cases), report["cases"]


def test_in_image_really_runs_the_images_python(built_example, runtime: str, python_base_image: str) -> None:
    """The bare base image has no fal: the app cannot load there, though this Python has fal."""
    out, _report = built_example
    done = run_verify(runtime, EXAMPLE / "cog", out, "--image", python_base_image, "--json")
    assert done.returncode == 1, done.stderr[-2000:]
    [problem] = json.loads(done.stdout)["problems"]
    assert problem["message"].endswith(f"`fal` is not installed in the image {python_base_image}")


def test_a_failing_step_is_one_line_with_the_instruction_and_its_output(
        python_base_image: str, docker_client: Any, tmp_path: Path) -> None:
    (tmp_path / "data.txt").write_text("x\n")
    dockerfile = ("FROM python:3.11-slim\nENV STAGE=one\n"
                  "RUN echo preparing && echo the-last-words >&2 && exit 3\nCOPY . /src\n")
    with pytest.raises(CogProjectError) as failure:
        build_image(tmp_path, dockerfile, "cog2fal-test/failing:latest", client=docker_client)
    text = str(failure.value)
    assert "\n" not in text
    assert text.startswith("Dockerfile:3: build failed at `RUN echo preparing && echo the-last-words >&2 "
                           "&& exit 3`: The command '/bin/sh -c echo preparing")
    assert "returned a non-zero code: 3; output: " in text
    # stdout and stderr reach the builder's stream in either order
    assert sorted(text.rsplit("; output: ", 1)[1].split(" | ")) == ["preparing", "the-last-words"]


def test_build_needs_a_container_app(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli_app, ["convert", str(EXAMPLES / "text-tools" / "cog"), "--out",
                                          str(tmp_path / "out"), "--build"])
    assert result.exit_code == 2
    assert "--build needs a container app; this project converts in app mode (add --mode container)" in \
        result.output
