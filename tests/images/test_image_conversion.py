"""Converting a Cog image gives the app converting its project folder gives, for every era of
Cog's labels; a published schema that disagrees is reported; failures are one line, exit 2.

The images are made with `docker import` (tests/support/cog_images.py) on the private engine
scripts/test.sh starts; their schema labels come from Cog 0.16.12's own schema command.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, FIXTURES
from tests.support.cog_images import (
    era_labels,
    import_image,
    normalised_config,
    src_tar,
    staging_files,
)
from tests.support.cog_schema import cog_openapi_schema
from tests.support.trees import read_tree, tree_differences

REPOSITORY = "cog2fal-test/era"
APP = "same-app"
TEXT_TOOLS = EXAMPLES / "text-tools" / "cog"


def cog2fal(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


def _v020_project(root: Path) -> Path:
    """text-tools with cog.yaml in Cog 0.20's spelling (`run:` at the top)."""
    shutil.copytree(TEXT_TOOLS, root)
    text = (root / "cog.yaml").read_text()
    v020 = text.replace('predict: "predict.py:Predictor"', 'run: "predict.py:Predictor"')
    (root / "cog.yaml").write_text(v020)
    return root


# The normalised config Cog writes for examples/diffrhythm (cuDNN resolved for CUDA 12.1).
DIFFRHYTHM_CONFIG = {
    "build": {
        "gpu": True, "python_version": "3.10", "python_requirements": "requirements.txt",
        "run": [{"command": "git clone https://github.com/ASLP-lab/DiffRhythm.git /DiffRhythm && cd "
                 "/DiffRhythm && git checkout 139cbbb4a1aab217f88cfec1be395c527774a512"}],
        "system_packages": ["espeak-ng", "ffmpeg"], "cuda": "12.1", "cudnn": "8",
    },
    "predict": "predict.py:Predictor",
}


@pytest.fixture(scope="module")
def images(docker_client, tmp_path_factory) -> dict[str, tuple[str, Path]]:
    """era → (image tag, the folder it must convert like)."""
    work = tmp_path_factory.mktemp("eras")
    made: dict[str, tuple[str, Path]] = {}

    def make(era_name: str, era: str, project: Path, schema: dict | None, *, staging: bool = False,
             cog_yaml: bool = True, config: dict | None = None) -> None:
        config = config or normalised_config(project / "cog.yaml")
        extra = staging_files(schema) if staging else None
        tag = import_image(docker_client, f"{REPOSITORY}:{era_name}",
                           src_tar(project, cog_yaml=cog_yaml, extra=extra),
                           era_labels(era, config, schema))
        made[era_name] = (tag, project)

    make("v0.8", "0.8", FIXTURES / "input_constraints", None)
    make("v0.16-trainer", "0.16", FIXTURES / "train_class", cog_openapi_schema(FIXTURES / "train_class"),
         staging=True)
    make("v0.16", "0.16", TEXT_TOOLS, cog_openapi_schema(TEXT_TOOLS), staging=True)
    make("v0.20", "0.20", _v020_project(work / "text-tools-v020"), cog_openapi_schema(TEXT_TOOLS))
    diffrhythm = EXAMPLES / "diffrhythm" / "cog"
    make("no-cog-yaml", "0.16", diffrhythm,
         cog_openapi_schema(diffrhythm, stub_missing_modules=True), cog_yaml=False,
         config=DIFFRHYTHM_CONFIG)
    yield made
    for tag, _ in made.values():
        docker_client.images.remove(tag, force=True)


def _convert(argument: str, out: Path, *extra: str) -> dict[str, Any]:
    done = cog2fal("convert", argument, "--out", str(out), "--app-name", APP, "--json", *extra)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("era", ["v0.8", "v0.16-trainer", "v0.16", "v0.20"])
def test_an_image_converts_as_its_folder(era: str, images, tmp_path: Path) -> None:
    tag, folder = images[era]
    from_image = _convert(tag, tmp_path / "image")
    _convert(str(folder), tmp_path / "folder")
    assert tree_differences(read_tree(tmp_path / "folder"), read_tree(tmp_path / "image")) == []
    assert from_image["model_dir"] == tag
    assert from_image["image"]["cog_yaml"] == "/src"
    assert not any(path.startswith(".cog") for path in from_image["files"])
    if era.startswith("v0.16"):
        assert from_image["image"]["staging_dropped"], "the .cog staging files were not seen"
        # The schema label is Cog's own: the converted inputs agree with it field by field.
        assert from_image["schema_check"]["differences"] == []
        assert from_image["schema_check"]["sources"] == ["the image's run.cog.openapi_schema label"]
    if era == "v0.8":
        assert from_image["image"]["config_label"] == "org.cogmodel.config"
        assert "schema_check" not in from_image


def test_an_image_without_cog_yaml_converts_from_its_config_label(images, tmp_path: Path) -> None:
    """Only the cog.yaml line numbers MIGRATION.md cites may differ: that cog.yaml is rebuilt."""
    tag, folder = images["no-cog-yaml"]
    from_image = _convert(tag, tmp_path / "image")
    _convert(str(folder), tmp_path / "folder")
    assert from_image["image"]["cog_yaml"] == "label"
    expected, actual = read_tree(tmp_path / "folder"), read_tree(tmp_path / "image")
    differences = tree_differences(expected, actual)
    assert differences in ([], ["differs MIGRATION.md"]), differences
    masked = [re.sub(rb"cog\.yaml:\d+", b"cog.yaml:N", tree["MIGRATION.md"]) for tree in (expected, actual)]
    assert masked[0] == masked[1]
    assert from_image["mode"] == "container" and b"ContainerImage" in actual["fal_app.py"]


def test_the_default_app_name_and_folder_come_from_the_image_name(images, tmp_path: Path) -> None:
    tag, _ = images["v0.16"]
    done = subprocess.run([sys.executable, "-m", "cog2fal", "convert", tag, "--json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["app_name"] == "era"
    assert Path(report["out"]) == tmp_path / "era-fal" and (tmp_path / "era-fal" / "fal_app.py").is_file()


def test_inspect_reads_an_image(images) -> None:
    tag, _ = images["v0.16-trainer"]
    done = cog2fal("inspect", tag, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["image"]["reference"] == tag and report["image"]["cog_version"] == "0.16.12"
    assert report["trainer"] is not None and report["schema_check"]["differences"] == []
    text = cog2fal("inspect", tag)
    assert "inputs agree field by field with the published schema" in text.stdout


def _disagreeing(schema: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(schema)
    components = doc["components"]["schemas"]
    props = components["Input"]["properties"]
    props["text"]["default"] = "Hello"
    props["repeat"]["maximum"] = 20
    props["separator"]["description"] = "Between repetitions"
    del props["strip_whitespace"]
    props["seed"] = {"type": "integer", "title": "Seed", "x-order": 5}
    components["Input"]["required"] = ["seed"]
    enum_component = props["operation"]["allOf"][0]["$ref"].rsplit("/", 1)[-1]
    components[enum_component]["enum"].remove("rot13")
    return doc


def test_a_disagreeing_schema_label_is_reported(docker_client, tmp_path: Path) -> None:
    published = _disagreeing(cog_openapi_schema(TEXT_TOOLS))
    tag = import_image(docker_client, f"{REPOSITORY}:disagreeing", src_tar(TEXT_TOOLS),
                       era_labels("0.16", normalised_config(TEXT_TOOLS / "cog.yaml"), published))
    try:
        report = _convert(tag, tmp_path / "out")
        text = cog2fal("convert", tag, "--out", str(tmp_path / "terminal"), "--app-name", APP)
    finally:
        docker_client.images.remove(tag, force=True)
    found = {(d["field"], d["attribute"]): (d["published"], d["converted"])
             for d in report["schema_check"]["differences"]}
    assert set(found) == {("text", "default"), ("repeat", "maximum"), ("separator", "description"),
                          ("strip_whitespace", "present"), ("seed", "present"), ("operation", "enum")}
    assert found[("text", "default")] == ("Hello", "The quick brown fox jumps over the lazy dog")
    assert found[("repeat", "maximum")] == (20, 10)
    assert found[("seed", "present")] == (True, False)
    assert "rot13" in found[("operation", "enum")][1] and "rot13" not in found[("operation", "enum")][0]
    source = "the image's run.cog.openapi_schema label"
    assert all(d["source"] == source for d in report["schema_check"]["differences"])
    schema_findings = [f for f in report["findings"] if f["code"] == "C2F050"]
    assert len(schema_findings) == 6 and all(f["file"] == "predict.py" and f["line"] for f in schema_findings)
    migration = (tmp_path / "out" / "MIGRATION.md").read_text()
    assert migration.count("C2F050") >= 6 and "`repeat`: maximum is 20 in the published schema" in migration
    assert text.returncode == 0, text.stderr
    assert "input `repeat`: maximum is 20 in the published schema" in text.stdout
    assert "6 differences from the published schema" in text.stdout


def test_image_flag_reads_a_bare_name_as_an_image(docker_client, tmp_path: Path) -> None:
    tag = import_image(docker_client, "cog2fal-test/bare:latest", src_tar(FIXTURES / "hello_text"),
                       era_labels("0.16", normalised_config(FIXTURES / "hello_text" / "cog.yaml"), None))
    try:
        without = cog2fal("inspect", "cog2fal-test/bare")
        forced = cog2fal("inspect", "--image", "cog2fal-test/bare", "--json")
    finally:
        docker_client.images.remove(tag, force=True)
    assert without.returncode == 2 and "cog2fal-test/bare" in without.stderr  # a missing folder
    assert forced.returncode == 0, forced.stderr
    assert json.loads(forced.stdout)["image"]["reference"] == "cog2fal-test/bare"


def _one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


def test_a_pull_failure_is_one_line(docker_client, tmp_path: Path) -> None:
    reference = "r8.im/cog2fal-test/missing@sha256:" + "0" * 64
    line = _one_line_error(cog2fal("convert", reference, "--out", str(tmp_path / "out")))
    assert line.startswith(f"error: {reference}: pull failed: ")
    assert not (tmp_path / "out").exists()


def test_an_image_that_is_not_cog_is_one_line(docker_client, tmp_path: Path) -> None:
    tag = import_image(docker_client, "cog2fal-test/not-cog:1", src_tar(FIXTURES / "hello_text"), {})
    try:
        line = _one_line_error(cog2fal("convert", tag, "--out", str(tmp_path / "out")))
    finally:
        docker_client.images.remove(tag, force=True)
    assert line == (f"error: {tag}: not a Cog image: no run.cog.config or org.cogmodel.config label "
                    "(Cog writes it on every image it builds)")


def test_managed_weights_are_one_line(docker_client, tmp_path: Path) -> None:
    config = normalised_config(FIXTURES / "hello_text" / "cog.yaml")
    tag = import_image(docker_client, "cog2fal-test/weights:1",
                       src_tar(FIXTURES / "hello_text", extra={".cog/weights.json": b"{}"}),
                       era_labels("0.20", config, None))
    try:
        line = _one_line_error(cog2fal("inspect", tag))
    finally:
        docker_client.images.remove(tag, force=True)
    assert line.startswith(f"error: {tag}: /src/.cog/weights.json: the image uses Cog managed weights")


def test_an_image_without_src_is_one_line(docker_client) -> None:
    config = normalised_config(FIXTURES / "hello_text" / "cog.yaml")
    tag = import_image(docker_client, "cog2fal-test/no-src:1", src_tar(None, top="app"),
                       era_labels("0.16", config, None))
    try:
        line = _one_line_error(cog2fal("inspect", tag))
    finally:
        docker_client.images.remove(tag, force=True)
    assert line == (f"error: {tag}: the image has no project in /src "
                    "(every Cog image copies its project there)")


def test_a_missing_engine_is_one_line(tmp_path: Path) -> None:
    host = f"unix://{tmp_path}/no-engine.sock"
    line = _one_line_error(cog2fal("convert", "r8.im/owner/model:1", env={"DOCKER_HOST": host}))
    assert line.startswith(f"error: r8.im/owner/model:1: cannot reach a Docker engine at {host} (")
    line = _one_line_error(cog2fal("inspect", "r8.im/owner/model:1", env={"DOCKER_HOST": host}))
    assert "cannot reach a Docker engine" in line


def test_an_error_in_the_image_code_names_the_image_file(docker_client, tmp_path: Path) -> None:
    project = tmp_path / "broken"
    shutil.copytree(FIXTURES / "hello_text", project)
    (project / "predict.py").write_text((project / "predict.py").read_text() + "\ndef broken(:\n")
    tag = import_image(docker_client, "cog2fal-test/broken:1", src_tar(project),
                       era_labels("0.16", normalised_config(project / "cog.yaml"), None))
    try:
        line = _one_line_error(cog2fal("convert", tag, "--out", str(tmp_path / "out")))
    finally:
        docker_client.images.remove(tag, force=True)
    assert re.match(rf"error: {re.escape(tag)}:/src/predict\.py:\d+: ", line), line
