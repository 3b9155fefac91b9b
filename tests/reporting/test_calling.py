"""MIGRATION.md's "Calling the app": every snippet is valid code against the real clients.

For every fixture project and example: the Python snippets compile and type-check (mypy) against
the installed fal_client and replicate packages, the JavaScript ones parse as ES modules (node
--check), the curl ones parse as shell (bash -n) and send exactly the example input.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cog2fal.project import CogConfig, Entrypoint, InputField, Project, TypeRef
from cog2fal.reading.project_reader import read_project
from cog2fal.reporting.calling import (
    Endpoint,
    calling_section,
    calling_the_app,
    endpoint_calls,
    replicate_model,
)
from cog2fal.reporting.example_input import example_input
from tests.conftest import EXAMPLES, FIXTURES

PROJECTS = sorted([p.parent for p in FIXTURES.glob("*/cog.yaml")]
                  + [p.parent for p in EXAMPLES.glob("*/cog/cog.yaml")])
_BLOCK = re.compile(r"^(?P<title>[^\n]+):\n\n```(?P<language>\w+)\n(?P<code>.*?)\n```$", re.M | re.S)


def _project_name(folder: Path) -> str:
    return folder.parent.name if folder.name == "cog" else folder.name


def _section(folder: Path) -> tuple[str, list[Endpoint]]:
    project = read_project(folder)
    name = _project_name(folder)
    text = "\n".join(calling_the_app(project, name))
    return text, endpoint_calls(project)


def _blocks(text: str) -> list[tuple[str, str, str]]:
    return [(m["title"], m["language"], m["code"]) for m in _BLOCK.finditer(text)]


@pytest.fixture(scope="module")
def sections() -> dict[str, tuple[str, list[Endpoint]]]:
    return {_project_name(folder): _section(folder) for folder in PROJECTS}


def test_every_endpoint_has_the_four_snippets(sections: dict[str, tuple[str, list[Endpoint]]]) -> None:
    assert len(sections) >= 30
    for name, (text, endpoints) in sections.items():
        assert text.startswith("## Calling the app\n")
        assert [f"`POST {e.path}`" for e in endpoints] == re.findall(r"^### (`POST [^`]+`)$", text, re.M)
        titles = [title for title, _, _ in _blocks(text)]
        assert titles == ["Replicate (before)", "Python (`pip install fal-client`)",
                          "JavaScript (`npm install @fal-ai/client`)", "curl"] * len(endpoints), name
        assert f"your-team/{name}" in text or name != re.sub(r"[^a-z0-9-]", "", name)


def test_python_snippets_type_check_against_the_real_clients(
        sections: dict[str, tuple[str, list[Endpoint]]], tmp_path: Path) -> None:
    files = []
    for name, (text, _) in sections.items():
        for index, (_title, language, code) in enumerate(_blocks(text)):
            if language == "python":
                compile(code, f"{name}[{index}]", "exec")
                path = tmp_path / f"snippet_{len(files):03d}.py"
                path.write_text(code + "\n")
                files.append(path)
    assert len(files) >= 60
    cache = Path(os.environ.get("COG2FAL_TEST_CACHE") or tmp_path) / "mypy-snippets"
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--follow-imports=silent",
         "--disallow-untyped-calls", "--warn-unused-ignores", "--cache-dir", str(cache), *map(str, files)],
        capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_javascript_snippets_parse_as_modules(sections: dict[str, tuple[str, list[Endpoint]]],
                                              tmp_path: Path) -> None:
    """One `node --check` for all: each snippet's body becomes an async function of one module
    that imports the client once (top-level `await` is valid in a module, and in its functions)."""
    node = shutil.which("node")
    assert node, "node (Node.js) is needed to check the @fal-ai/client snippets"
    import_line = 'import { fal } from "@fal-ai/client";'
    bodies = []
    for name, (text, _) in sections.items():
        for _title, language, code in _blocks(text):
            if language == "js":
                assert code.startswith(import_line + "\n"), code
                body = code.removeprefix(import_line)
                bodies.append(f"// {name}\nexport async function snippet{len(bodies)}() {{{body}\n}}")
    assert len(bodies) >= 30
    module = tmp_path / "snippets.mjs"
    module.write_text(import_line + "\n\n" + "\n\n".join(bodies) + "\n")
    done = subprocess.run([node, "--check", str(module)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_curl_snippets_parse_and_send_the_example_input(
        sections: dict[str, tuple[str, list[Endpoint]]]) -> None:
    for name, (text, endpoints) in sections.items():
        curls = [code for _, language, code in _blocks(text) if language == "bash"]
        for code, endpoint in zip(curls, endpoints, strict=True):
            done = subprocess.run(["bash", "-n"], input=code, capture_output=True, text=True, timeout=30)
            assert done.returncode == 0, done.stderr
            bodies = [json.loads(shlex.split(line.strip())[1]) for line in code.splitlines()
                      if line.strip().startswith("-d ")]
            assert bodies and all(b == json.loads(json.dumps(example_input(endpoint.entry))) for b in bodies)
            if endpoint.streams:
                assert f"https://fal.run/your-team/{name}{endpoint.path}" in code
            else:
                assert "https://queue.fal.run/" in code and "https://fal.run/" in code


def _entry(role: str, output: TypeRef, *inputs: InputField) -> Entrypoint:
    return Entrypoint(role, f"{role}.py", "T", "class", role,  # type: ignore[arg-type]
                      inputs=list(inputs), output=output)


def test_training_and_stream_paths_follow_each_client() -> None:
    trainer = _entry("train", TypeRef("iterator", (TypeRef("str"),)), InputField("data", TypeRef("path")))
    predictor = _entry("predict", TypeRef("path"), InputField("prompt", TypeRef("str"), default="hi"))
    project = Project("tuner", CogConfig(), predictor, trainer)
    text = "\n".join(calling_section("tuner", endpoint_calls(project), "acme/tuner"))
    assert re.findall(r"^### `POST ([^`]+)`$", text, re.M) == ["/", "/train", "/train/stream"]
    assert 'path="/train",' in text and 'path="/train/stream",' in text
    assert 'fal.subscribe("your-team/tuner/train", {' in text
    assert 'fal.stream("your-team/tuner/train/stream", {' in text
    assert 'fal.subscribe("your-team/tuner", {' in text
    assert 'curl -s -X POST "https://queue.fal.run/your-team/tuner/train" \\' in text
    assert 'print(result["output"]["url"])' in text
    assert 'version="acme/tuner:VERSION_ID",' in text


def test_the_replicate_model_comes_from_the_image_name() -> None:
    assert replicate_model("r8.im/acme/super-res", "super-res") == "acme/super-res"
    assert replicate_model("r8.im/acme/super-res:v2", "super-res") == "acme/super-res"
    assert replicate_model("ghcr.io/acme/super-res", "super-res") == "your-username/super-res"
    assert replicate_model(None, "super-res") == "your-username/super-res"


def test_basemodel_outputs_are_read_by_field() -> None:
    folder = EXAMPLES / "caption-json" / "cog"
    text, _ = _section(folder)
    assert "# the fields of Output: caption, width, height, dominant_color, tags, thumbnail" in text
    assert 'print(result["caption"])' in text and "console.log(result.data);" in text
