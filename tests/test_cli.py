"""The CLI contract: exit codes, one-line errors, --check/--diff/--force, atomic output,
static conversion, and a Cog project that is never modified."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BROKEN, FIXTURES

BROKEN_NAMES = sorted(p.name for p in BROKEN.iterdir() if (p / "EXPECTED.txt").is_file())


def cog2fal(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        h.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_bad_input_is_one_line_with_file_and_line(name: str, tmp_path: Path) -> None:
    project = BROKEN / name
    expected = (project / "EXPECTED.txt").read_text().strip()
    expected_location = expected.split(": ", 1)[0]  # e.g. cog.yaml:3 or predict.py:8
    before = digest(project)
    out = tmp_path / "out"
    done = cog2fal("convert", str(project), "--out", str(out))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    file, line = expected_location.rsplit(":", 1)
    assert f"{project / file}:{line}:" in lines[0]
    assert not out.exists(), "a failed conversion left output behind"
    assert digest(project) == before


def test_conversion_is_static(tmp_path: Path) -> None:
    """Importing side_effect_marker's predictor writes SIDE_EFFECT_MARKER; converting must not."""
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "side_effect_marker", project)
    done = cog2fal("convert", str(project), "--out", str(tmp_path / "out"), cwd=project)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.rglob("SIDE_EFFECT_MARKER"))
    assert (tmp_path / "out" / "fal_app.py").is_file()


def test_model_dir_is_never_modified_and_default_out_is_a_sibling(tmp_path: Path) -> None:
    project = tmp_path / "hello"
    shutil.copytree(FIXTURES / "hello_text", project)
    before = digest(project)
    done = cog2fal("convert", str(project))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "hello-fal" / "fal_app.py").is_file()
    assert digest(project) == before


def test_cog_yaml_path_is_accepted(tmp_path: Path) -> None:
    done = cog2fal("convert", str(FIXTURES / "hello_text" / "cog.yaml"), "--out", str(tmp_path / "o"))
    assert done.returncode == 0, done.stderr


def test_non_empty_out_needs_force_and_is_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    refused = cog2fal("convert", str(FIXTURES / "hello_text"), "--out", str(out))
    assert refused.returncode == 2
    assert "--force" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert (out / "keep.txt").read_text() == "mine"
    forced = cog2fal("convert", str(FIXTURES / "hello_text"), "--out", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (out / "keep.txt").exists()
    assert (out / "fal_app.py").is_file()


def test_failure_with_force_keeps_the_previous_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cog2fal("convert", str(FIXTURES / "hello_text"), "--out", str(out)).returncode == 0
    before = digest(out)
    failed = cog2fal("convert", str(BROKEN / "syntax_error"), "--out", str(out), "--force")
    assert failed.returncode == 2
    assert digest(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "staging folders were left behind"


def test_check_after_convert_is_clean_then_detects_drift(tmp_path: Path) -> None:
    out = tmp_path / "out"
    project = FIXTURES / "choices_folded"
    assert cog2fal("convert", str(project), "--out", str(out), "--mode", "app").returncode == 0
    first = digest(out)
    check = cog2fal("convert", str(project), "--out", str(out), "--mode", "app", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    assert digest(out) == first
    app = out / "fal_app.py"
    app.write_text(app.read_text().replace('"512x512"', '"256x256"', 1))
    drift = cog2fal("convert", str(project), "--out", str(out), "--mode", "app", "--check")
    assert drift.returncode == 1
    diff = cog2fal("convert", str(project), "--out", str(out), "--mode", "app", "--diff")
    assert diff.returncode == 1
    assert '-    size: Literal["256x256"' in diff.stdout or '"256x256"' in diff.stdout
    assert "+++ b/fal_app.py" in diff.stdout
    # --check and --diff write nothing.
    assert '"256x256"' in app.read_text()


def test_reconverting_gives_identical_bytes(tmp_path: Path) -> None:
    for index in range(2):
        assert cog2fal("convert", str(FIXTURES / "train_function"), "--out",
                       str(tmp_path / f"o{index}"), "--mode", "app").returncode == 0
    assert digest(tmp_path / "o0") == digest(tmp_path / "o1")


def test_json_report_names_app_file_and_class(tmp_path: Path) -> None:
    done = cog2fal("convert", str(FIXTURES / "image_filter_pillow"), "--out", str(tmp_path / "o"),
                   "--mode", "app", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["app_file"] == "fal_app.py"
    assert report["app_class"] == "ImageFilter"
    assert report["app_name"] == "image-filter"
    assert any(f["code"] == "C2F012" for f in report["findings"])  # the pydantic pin


def test_options_reach_the_app(tmp_path: Path) -> None:
    done = cog2fal("convert", str(FIXTURES / "hello_text"), "--out", str(tmp_path / "o"),
                   "--machine-type", "GPU-H100", "--app-name", "My Greeter")
    assert done.returncode == 0, done.stderr
    app = (tmp_path / "o" / "fal_app.py").read_text()
    assert 'machine_type = "GPU-H100"' in app
    assert 'class MyGreeter(fal.App, name="my-greeter")' in app


def test_batch_conversion_reports_each_project(tmp_path: Path) -> None:
    done = cog2fal("convert", str(FIXTURES / "hello_text"), str(BROKEN / "syntax_error"),
                   str(FIXTURES / "iterator_text"), "--out-root", str(tmp_path), "--mode", "app")
    assert done.returncode == 2
    assert (tmp_path / "hello_text-fal" / "fal_app.py").is_file()
    assert (tmp_path / "iterator_text-fal" / "fal_app.py").is_file()
    assert "syntax_error" in done.stderr


def test_help_lists_commands_with_examples() -> None:
    done = cog2fal("--help")
    assert done.returncode == 0
    for command in ("convert", "inspect", "dockerfile", "verify"):
        assert command in done.stdout
    convert_help = cog2fal("convert", "--help")
    assert "--check" in convert_help.stdout and "Examples" in convert_help.stdout


def test_output_through_a_pipe_arrives_whole_and_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    """The process ends without the interpreter's teardown (cli._end_process): what was printed
    must still be flushed, and a reader that stops early must not cause a traceback."""
    projects = sorted(str(p.parent) for p in FIXTURES.glob("*/cog.yaml"))
    args = [sys.executable, "-m", "cog2fal", "convert", *projects, "--out-root", str(tmp_path), "--diff"]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert len(done.stdout) > 200_000  # far more than a pipe holds: written while the reader reads
    assert done.stdout.count("+++ b/fal_app.py\n") == len(projects)
    assert done.stdout.endswith("\n") and "Traceback" not in done.stderr

    early = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert early.stdout is not None and early.stderr is not None
    early.stdout.read(100)
    early.stdout.close()
    stderr = early.stderr.read().decode()
    assert early.wait(timeout=120) == 1  # click's answer to a closed pipe
    assert "Traceback" not in stderr and "Exception ignored" not in stderr


LATIN1_PREDICTOR = '''# -*- coding: latin-1 -*-
# Entrée: un café
from cog import BasePredictor, Input
from voices import VOICES


class Predictor(BasePredictor):
    def predict(self, voice: str = Input(choices=VOICES, default="é")) -> str:
        return voice + "ç"
'''


def test_a_declared_encoding_is_read_and_kept(tmp_path: Path) -> None:
    """PEP 263: Python (and so Cog) runs a latin-1 predictor that says so; the output keeps
    the encoding, and our TODO comment's dash, which latin-1 lacks, becomes an escape."""
    project = tmp_path / "model"
    project.mkdir()
    (project / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (project / "predict.py").write_bytes(LATIN1_PREDICTOR.encode("latin-1"))
    (project / "voices.py").write_text('VOICES = ["é", "a"]\n')
    done = cog2fal("convert", str(project), "--out", str(tmp_path / "out"), "--mode", "app")
    assert done.returncode == 0, done.stderr
    data = (tmp_path / "out" / "predict.py").read_bytes()
    text = data.decode("latin-1")
    assert text.startswith("# -*- coding: latin-1 -*-\n# Entrée: un café\n")
    assert 'voice: str = "é"' in text and "# TODO(cog2fal): choices of input `voice`" in text
    assert "\\u2014" in text  # the em dash of the TODO message
    compile(data, "predict.py", "exec", dont_inherit=True)  # Python reads it by its declaration
    app = (tmp_path / "out" / "fal_app.py").read_text(encoding="utf-8")
    assert '"é"' in app


def test_a_utf8_bom_is_kept(tmp_path: Path) -> None:
    project = tmp_path / "model"
    shutil.copytree(FIXTURES / "hello_text", project)
    source = (project / "predict.py").read_bytes()
    (project / "predict.py").write_bytes(b"\xef\xbb\xbf" + source)
    done = cog2fal("convert", str(project), "--out", str(tmp_path / "out"), "--mode", "app")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "predict.py").read_bytes().startswith(b"\xef\xbb\xbf# Prediction interface")


@pytest.mark.parametrize(("content", "expected"), [
    (b"# coding: klingon\nx = 1\n", "predict.py:1: cannot read the encoding declaration: unknown encoding"),
    (b"#!/usr/bin/env python\n# coding: rot13\nx = 1\n", "predict.py:2: `rot13` is not a text encoding"),
    (b"# coding: ascii\nx = 1\ny = '\xe9'\n", "predict.py:3: not ascii text"),
    (b"x = 1\ny = '\xe9'\n", "predict.py:2: not UTF-8 text"),
])
def test_undecodable_predictors_are_refused_at_the_line(tmp_path: Path, content: bytes,
                                                        expected: str) -> None:
    project = tmp_path / "model"
    project.mkdir()
    (project / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (project / "predict.py").write_bytes(content)
    done = cog2fal("convert", str(project), "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert expected in done.stderr, done.stderr


# --------------------------------------------------------------------------- the machine refuses

def _without_root_reads() -> list[str]:
    """A command prefix under which file permissions hold: root reads everything, so as root the
    capabilities that let it are dropped (setpriv); as anyone else, nothing is needed."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("as root, an unreadable file needs setpriv to drop CAP_DAC_OVERRIDE")
    caps = "-dac_override,-dac_read_search"
    return ["setpriv", "--bounding-set", caps, "--inh-caps", caps]


# Each makes the project unconvertible and says where the error must point, and what it says.

def _unreadable_file(project: Path) -> tuple[str, str]:
    (project / "weights.txt").write_text("data")
    (project / "weights.txt").chmod(0)
    return "project/weights.txt: ", "Permission denied"


def _unreadable_folder(project: Path) -> tuple[str, str]:
    (project / "private").mkdir()
    (project / "private" / "a.txt").write_text("data")
    (project / "private").chmod(0)
    return "project/private: ", "cannot list this folder: Permission denied"


def _deep_tree(project: Path) -> tuple[str, str]:
    folder = project
    for _ in range(1500):  # 3,000 characters: within PATH_MAX, deeper than Python's walks go
        folder = folder / "a"
        folder.mkdir()  # level by level: mkdir(parents=True) recurses too
    (folder / "f.txt").write_text("x")
    return "project/" + "a/" * 256 + "a: ", "folders nest more than 256 levels deep here"


def _folder_named_like_an_output_file(project: Path) -> tuple[str, str]:
    (project / "MIGRATION.md").mkdir()
    (project / "MIGRATION.md" / "notes.txt").write_text("x")
    return "project/MIGRATION.md: ", "this folder has the name of a file the fal app's folder needs"


def _remove_without_recursion(root: Path) -> None:
    """What pytest's clean-up (rmtree, recursive) could not remove: unreadable or too deep."""
    stack = [root]
    while stack:
        folder = stack[-1]
        folder.chmod(0o755)
        children = list(os.scandir(folder))
        for entry in children:
            if entry.is_dir(follow_symlinks=False):
                stack.append(Path(entry.path))
            else:
                os.chmod(entry.path, 0o644)
                os.unlink(entry.path)
        if not any(entry.is_dir(follow_symlinks=False) for entry in children):
            folder.rmdir()
            stack.pop()


@pytest.mark.parametrize("make", [_unreadable_file, _unreadable_folder, _deep_tree,
                                  _folder_named_like_an_output_file])
def test_a_project_the_machine_cannot_convert_is_one_line_naming_the_path(make, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "hello_text", project)
    where, what = make(project)
    prefix = _without_root_reads() if make in (_unreadable_file, _unreadable_folder) else []
    try:
        command = [*prefix, sys.executable, "-m", "cog2fal", "convert", "project", "--out", "out"]
        done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, timeout=120)
        written = sorted(p.name for p in tmp_path.iterdir() if p != project)  # no output, no staging
    finally:
        _remove_without_recursion(project)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "internal error" not in done.stderr, done.stderr
    assert lines[0].startswith(f"error: {where}") and what in lines[0], lines[0]
    assert written == []


def test_a_project_folder_named_like_the_app_file_moves_the_app_file(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "hello_text", project)
    (project / "fal_app.py").mkdir()
    (project / "fal_app.py" / "x.txt").write_text("x")
    done = cog2fal("convert", str(project), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "cog2fal_app.py").is_file()
    assert (tmp_path / "out" / "fal_app.py" / "x.txt").is_file()


@pytest.mark.parametrize(("out", "message"), [
    ("afile/out", "error: afile/out: cannot create the output folder: afile is a file, not a folder"),
    ("/proc/cog2fal-out", "error: /proc/cog2fal-out: cannot write the output folder: "),
    ("x" * 300, f"error: {'x' * 300}: cannot use the output folder: File name too long"),
])
def test_an_output_the_machine_refuses_is_one_line_naming_it(tmp_path: Path, out: str, message: str) -> None:
    (tmp_path / "afile").write_text("")
    done = cog2fal("convert", str(FIXTURES / "hello_text"), "--out", out, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(message) and len(done.stderr.splitlines()) == 1, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# --------------------------------------------------------------------------- the path at fault

def test_out_errors_name_the_out_path_as_given(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "hello_text", tmp_path / "project")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine")
    (tmp_path / "afile").write_text("")
    done = cog2fal("convert", "project", "--out", "out", cwd=tmp_path)
    assert done.stderr == "error: out: output folder is not empty; pass --force to replace it\n"
    done = cog2fal("convert", "project", "--out", "afile", cwd=tmp_path)
    assert done.stderr == "error: afile: output path exists and is not a folder\n"
    done = cog2fal("convert", "project", "--out-root", "afile/x", cwd=tmp_path)
    assert done.stderr.startswith("error: afile/x/project-fal: "), done.stderr


def test_project_files_are_named_from_the_current_folder_whatever_the_name(tmp_path: Path) -> None:
    """A project called `pre` and its `predict.py`: the name is no prefix test."""
    shutil.copytree(BROKEN / "syntax_error", tmp_path / "pre")
    for command in (["convert", "pre", "--out", "out"], ["inspect", "pre"]):
        done = cog2fal(*command, cwd=tmp_path)
        assert done.returncode == 2 and done.stderr.startswith("error: pre/predict.py:"), done.stderr


# --------------------------------------------------------------------------- --out inside the project

def test_out_inside_the_project_is_refused_and_never_shipped(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "hello_text", project)
    before = digest(project)
    for args in (["--out", str(project / "fal")], ["--out-root", str(project / "converted")]):
        done = cog2fal("convert", str(project), *args)
        assert done.returncode == 2 and "inside the Cog project" in done.stderr, done.stderr
        assert len(done.stderr.splitlines()) == 1
    assert digest(project) == before


def test_out_root_inside_another_project_of_the_batch_is_refused(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(FIXTURES / "hello_text", first)
    shutil.copytree(FIXTURES / "iterator_text", second)
    done = cog2fal("convert", str(first), str(second), "--out-root", str(second / "converted"))
    assert done.returncode == 2 and f"--out-root is inside the Cog project {second}" in done.stderr
    assert not (second / "converted").exists() and not (first.parent / "first-fal").exists()


def test_out_left_out_by_the_dockerignore_is_allowed_inside_and_not_shipped(tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "hello_text", project)
    (project / ".dockerignore").write_text("fal/\n")
    assert cog2fal("convert", str(project), "--out", str(project / "fal")).returncode == 0
    done = cog2fal("convert", str(project), "--out", str(tmp_path / "elsewhere"))
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "elsewhere" / "fal").exists()


# --------------------------------------------------------------------------- a closed pipe

@pytest.mark.parametrize("command", [["inspect", str(FIXTURES / "input_forms")],
                                     ["inspect", str(FIXTURES / "input_forms"), "--json"],
                                     ["dockerfile", str(FIXTURES / "build_run_secrets")]])
def test_a_reader_gone_before_the_first_line_ends_quietly(command: list[str]) -> None:
    """`cog2fal inspect ... | head -1`, with `head` gone before a byte is written: deterministic."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        done = subprocess.run([sys.executable, "-m", "cog2fal", *command], stdout=writer,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writer)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert "internal error" not in done.stderr


def test_a_nested_project_s_default_output_is_not_written_inside_the_outer_one(tmp_path: Path) -> None:
    outer = tmp_path / "outer"
    shutil.copytree(FIXTURES / "hello_text", outer)
    shutil.copytree(FIXTURES / "iterator_text", outer / "inner")
    done = cog2fal("convert", str(outer), str(outer / "inner"))
    assert done.returncode == 2
    assert f"error: {outer / 'inner-fal'}: the output folder is inside the Cog project {outer}" in done.stderr
    assert not (outer / "inner-fal").exists() and (tmp_path / "outer-fal" / "fal_app.py").is_file()
