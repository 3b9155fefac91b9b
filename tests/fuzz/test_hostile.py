"""Hostile input, by class: paths that try to leave the project and values that try to add
Dockerfile instructions. Each property holds for every drawn case, not only the examples."""

from __future__ import annotations

import os
import posixpath
from pathlib import Path

import dockerfile
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cog2fal.errors import CogProjectError
from cog2fal.reading.config import read_config
from cog2fal.reading.project_paths import project_path
from cog2fal.writing.dockerfile import generate_dockerfile
from tests.fuzz import strategies as S
from tests.fuzz.harness import (
    case_dir,
    check_outcome,
    run_in_process,
    run_subprocess,
    snapshot,
    write_project,
)

FAST = settings(deadline=None, database=None, max_examples=300,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SLOW = settings(FAST, max_examples=25)

SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI"
PREDICTOR = ("from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n"
             "    def predict(self, x: str) -> str:\n        return x\n")

# --------------------------------------------------------------------------- paths

SEGMENT = st.sampled_from([".", "..", "", "sub", "predict.py", "secret.txt", "requirements.txt",
                           "link", "filelink", "loop", "~", "a b", "é"])
PATH = st.one_of(
    st.lists(SEGMENT, min_size=1, max_size=6).map("/".join),
    st.lists(SEGMENT, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    st.sampled_from(["/etc/passwd", "/proc/self/environ", "~/.ssh/id_rsa", "C:\\x.txt", "..", "./"]),
)


def _tree(tmp_path: Path) -> Path:
    """project/ with a folder, a link out of it, a link to a file outside, a link loop."""
    root = tmp_path / "project"
    if not root.exists():
        (root / "sub").mkdir(parents=True)
        (root / "predict.py").write_text(PREDICTOR)
        (root / "requirements.txt").write_text("numpy\n")
        (tmp_path / "secret.txt").write_text(SECRET + "\n")
        (tmp_path / "outside").mkdir()
        (tmp_path / "outside" / "predict.py").write_text(PREDICTOR)
        os.symlink(tmp_path / "outside", root / "link")
        os.symlink(tmp_path / "secret.txt", root / "filelink")
        os.symlink(root / "loop", root / "loop")
    return root


@FAST
@given(reference=PATH, base=st.sampled_from(["", "sub", "sub/.."]))
def test_a_named_path_is_normalised_inside_the_project_or_refused(tmp_path: Path, reference: str,
                                                                   base: str) -> None:
    root = _tree(tmp_path)
    try:
        relative = project_path(root, reference, "file", ("cog.yaml", 3), base)
    except CogProjectError as error:
        assert (error.file, error.line) == ("cog.yaml", 3) and "\n" not in str(error)
        return
    assert relative == posixpath.normpath(relative) and not relative.startswith(("/", "../"))
    assert relative != ".." and "/../" not in f"/{relative}/"
    assert relative == "." or "/./" not in f"/{relative}/"
    try:
        target = (root / relative).resolve()
    except RuntimeError:  # the link loop: the reader reports it where it reads the file
        return
    assert target.is_relative_to(root.resolve())


@SLOW
@given(predict=PATH, requirements=st.one_of(st.none(), PATH), include=st.one_of(st.none(), PATH),
       mode=st.sampled_from(["app", "container"]))
def test_no_file_outside_the_project_is_read_quoted_or_shipped(predict: str, requirements: str | None,
                                                               include: str | None, mode: str) -> None:
    with case_dir() as tmp:
        files: dict[str, str | bytes] = {"predict.py": PREDICTOR, "sub/keep.txt": "x\n"}
        build: dict[str, object] = {"python_version": "3.11"}
        if requirements is not None:
            build["python_requirements"] = requirements
        if include is not None:
            files["requirements.txt"] = f"numpy\n-r {include}\n"
        ref = predict if predict.endswith(".py") else "predict.py"
        files["cog.yaml"] = yaml.safe_dump({"build": build, "predict": f"{ref}:Predictor"})
        project = write_project(tmp, files)
        (tmp / "secret.txt").write_text(SECRET + "\n")
        (tmp / "secret.py").write_text(f"# {SECRET}\n" + PREDICTOR)
        os.symlink(tmp / "secret.txt", project / "filelink")
        before = snapshot(project)
        out = tmp / "converted" / "out"
        out.parent.mkdir()
        outcome = run_in_process(project, out, "--mode", mode)
        check_outcome(outcome, project, out, before)
        assert "wJalr" not in outcome.stdout + outcome.stderr
        if outcome.exit_code == 0:
            for path in out.rglob("*"):
                if path.is_file():
                    assert b"wJalr" not in path.read_bytes(), path
            assert not (out / "filelink").exists()


# --------------------------------------------------------------------------- Dockerfile values

CONTROL = st.sampled_from(["\n", "\r", "\r\n", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85",
                           "\u2028", "\u2029", "\t"])
VALUE = st.lists(st.one_of(st.text("abc019.-_ =$\"'\\/", max_size=4), CONTROL, st.just("\nRUN id\n"),
                           st.just("FROM evil")), max_size=5).map("".join)


@FAST
@given(python_version=st.one_of(st.none(), VALUE.map(lambda v: "3.11" + v)),
       system=st.lists(VALUE.filter(str.strip), max_size=3),
       env=st.dictionaries(st.sampled_from(["A", "TOKEN", "HF_HOME"]), VALUE, max_size=3),
       cuda=st.one_of(st.none(), VALUE), run=st.lists(VALUE.filter(str.strip), max_size=2),
       gpu=st.booleans())
def test_values_never_add_dockerfile_instructions(tmp_path: Path, python_version: str | None,
                                                  system: list[str], env: dict[str, str],
                                                  cuda: str | None, run: list[str], gpu: bool) -> None:
    build: dict[str, object] = {"gpu": gpu, "system_packages": system, "run": run}
    if python_version is not None:
        build["python_version"] = python_version
    if cuda is not None:
        build["cuda"] = cuda
    document = {"build": build, "predict": "predict.py:Predictor",
                "environment": [f"{k}={v}" for k, v in env.items()]}
    path = tmp_path / "cog.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        config = read_config(path)
        result = generate_dockerfile(tmp_path, config)
    except CogProjectError as error:
        assert error.file == "cog.yaml" and error.line and "\n" not in str(error)
        assert "RUN id" not in str(error) and "\x00" not in str(error)
        return
    added = [change.after for change in result.changes if change.action == "added"]
    expected = [text for text in added if text and not text.startswith("#")]
    parsed = dockerfile.parse_string(result.text)
    assert len(parsed) == len(expected), result.text
    assert [command.original for command in parsed] == expected
    assert not any(command.cmd.upper() == "FROM" for command in parsed[1:])


# --------------------------------------------------------------------------- escaping

FRAGMENT = st.sampled_from(['"""', "'''", '"', "'", "\\", "\\N", "\\x", "\n", "\r", "\x00", "#", "PWNED()",
                            ";import PWNED;", "\u202e", "{", "}", "é", " ", "a", ")", "(", "]", "\t"])
HOSTILE = st.lists(FRAGMENT, min_size=1, max_size=8).map("".join)
NAMED_FILES = ["predict", 'x""";PWNED();"""', "a\\N{b}", "q\'\'\'PWNED\'\'\'", "end\""]


@st.composite
def hostile_project(draw: st.DrawFn) -> tuple[dict[str, str], str]:
    text = draw(HOSTILE)
    file_name = draw(st.sampled_from(NAMED_FILES) | HOSTILE.map(lambda t: t.replace("/", "_")))
    file_name = file_name.replace("\x00", "0") + ".py"
    model, field, name = draw(S.IDENT), draw(S.IDENT), draw(S.IDENT)
    if len({model, field, name, "Predictor"}) < 4 or model in ("Input", "BaseModel", "BasePredictor"):
        model, field, name = "Result", "text", "prompt"
    output = draw(st.sampled_from(["literal", "model", "list"]))
    returns = {"literal": f"Literal[{text!r}, 'b']", "model": model, "list": f"List[{model}]"}[output]
    source = (
        "from typing import List, Literal\n\nfrom cog import BaseModel, BasePredictor, Input\n\n\n"
        f"class {model}(BaseModel):\n    {field}: str = {text!r}\n\n\n"
        "class Predictor(BasePredictor):\n"
        f"    def predict(self, {name}: str = Input(default={text!r}, description={text!r},\n"
        f"                choices=[{text!r}, 'b'])) -> {returns}:\n"
        "        return None\n")
    config: dict[str, object] = {"predict": f"{file_name}:Predictor"}
    if draw(S.one_in(3)):
        config["environment"] = [f"TOKEN={text}"]
    files = {file_name: source, "cog.yaml": yaml.safe_dump(config)}
    return files, draw(st.sampled_from(["app", "container"]))


@settings(FAST, max_examples=120)
@given(case=hostile_project())
def test_project_text_never_becomes_code(tmp_path: Path, case: tuple[dict[str, str], str]) -> None:
    """The app compiles, and no name from project text stands outside a string literal."""
    from cog2fal.conversion import ConvertOptions
    from cog2fal.convert import convert_project
    from tests.writing.test_escaping import names_outside_strings

    files, mode = case
    with case_dir() as tmp:
        project = tmp / "model"
        project.mkdir()
        try:
            for name, text in files.items():
                (project / name).write_text(text, encoding="utf-8")
        except (OSError, ValueError):
            return  # a file name the file system refuses
        try:
            output = convert_project(project, ConvertOptions(mode=mode)).files
        except CogProjectError as error:
            assert "\n" not in str(error) and error.file
            return
    code = output["fal_app.py"].decode("utf-8")
    compile(code, "fal_app.py", "exec", dont_inherit=True)
    assert not {name for name in names_outside_strings(code) if "PWNED" in name}, code
    CONVERTED.append(mode)


CONVERTED: list[str] = []


def test_the_escaping_property_converted_cases() -> None:
    """Runs after the property (file order): enough drawn projects must convert to prove it."""
    if CONVERTED:
        assert len(CONVERTED) >= 20, len(CONVERTED)


# --------------------------------------------------------------------------- links and special files

NAME = st.sampled_from(["a", "b", "sub", "w.bin", "x.py", ".git", "deep"])
LINK_TARGET = st.sampled_from(["a", "sub", "sub/a", "..", ".", "../..", "../secret.txt", "../outside",
                               "/dev/zero", "/proc/self/environ", "/etc", "missing", "loop", ".git/config",
                               "sub/deep", "../sub"])
ENTRY = st.tuples(st.sampled_from(["file", "dir", "link", "fifo"]),
                  st.lists(NAME, min_size=1, max_size=3).map("/".join), LINK_TARGET)


def _hostile_tree(tmp: Path, entries: list[tuple[str, str, str]], ignore: bool) -> Path:
    """project/ with files, folders, links anywhere (in, out, loops, devices) and FIFOs."""
    root = tmp / "project"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text(SECRET + "\n")
    (root / "predict.py").write_text(PREDICTOR)
    (root / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (tmp / "secret.txt").write_text(SECRET + "\n")
    (tmp / "outside").mkdir()
    (tmp / "outside" / "leak.txt").write_text(SECRET + "\n")
    if ignore:
        (root / ".dockerignore").write_text("sub/a\nb\n")
    for kind, relative, target in entries:
        path = root / relative
        # Never through a link (it may lead out of the tree) nor onto a FIFO (opening it blocks).
        if os.path.lexists(path) or any(p.is_symlink() or p.exists() and not p.is_dir()
                                        for p in path.parents if p.is_relative_to(root)):
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if kind == "file":
                path.write_text(f"content of {relative}\n")
            elif kind == "dir":
                path.mkdir()
            elif kind == "link":
                os.symlink(target, path)
            else:
                os.mkfifo(path)
        except OSError:
            continue  # a name taken by an earlier entry, or a folder that is a file or a link
    return root


@FAST
@given(entries=st.lists(ENTRY, max_size=8), ignore=st.booleans())
def test_only_regular_files_inside_the_project_are_listed(entries: list[tuple[str, str, str]],
                                                          ignore: bool) -> None:
    from cog2fal.project import Finding
    from cog2fal.shipping import project_files

    with case_dir() as tmp:
        root = _hostile_tree(tmp, entries, ignore)
        real_root = root.resolve()
        findings: list[Finding] = []
        files = project_files(root, findings)
        assert files == sorted(set(files))
        for relative in files:
            real = Path(os.path.realpath(root / relative))
            assert real.is_relative_to(real_root) and ".git" not in real.relative_to(real_root).parts[:-1]
            assert real.is_file() and not real.is_fifo(), relative
        # every FIFO, file link and link out (at the top or in a plain folder) is listed or reported;
        # a link to a folder inside may list nothing (the folder ships nothing)
        reported = {f.location.file for f in findings if f.location is not None}
        for path in root.rglob("*"):
            relative = path.relative_to(root).as_posix()
            if ".git" in path.parts or any(p.is_symlink() for p in path.parents if p != root):
                continue
            if ignore and relative in ("sub/a", "b") or relative.startswith(("b/", "sub/a/")):
                continue
            leaves = path.is_symlink() and not Path(os.path.realpath(path)).is_relative_to(real_root)
            if leaves or path.is_fifo() or path.is_symlink() and not path.is_dir():
                assert relative in reported or any(f == relative or f.startswith(relative + "/")
                                                   for f in files), relative


@SLOW
@given(entries=st.lists(ENTRY, max_size=8), ignore=st.booleans(), mode=st.sampled_from(["app", "container"]))
def test_links_and_special_files_never_hang_or_leak(entries: list[tuple[str, str, str]], ignore: bool,
                                                    mode: str) -> None:
    """In a real process under a time and memory limit: a FIFO opened or /dev/zero read fails
    the case instead of hanging the suite."""
    with case_dir() as tmp:
        root = _hostile_tree(tmp, entries, ignore)
        out = tmp / "converted" / "out"
        out.parent.mkdir()
        outcome = run_subprocess(root, out, "--mode", mode, memory=3 * 2**30, timeout=60)
        assert outcome.exit_code in (0, 2), outcome.stderr
        assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr.lower()
        if outcome.exit_code == 0:
            for path in out.rglob("*"):
                assert not path.is_symlink() and (path.is_dir() or path.is_file()), path
                if path.is_file():
                    assert SECRET.encode() not in path.read_bytes(), path
