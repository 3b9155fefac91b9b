"""Paths cog.yaml and requirements files name: normalised once, never leaving the project, and a
missing file inside a submodule that is not checked out says how to fetch it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig
from cog2fal.reading.project_reader import read_project
from cog2fal.reading.requirements import read_requirements

PREDICTOR = ("from cog import BasePredictor, Input\n\n\nclass Predictor(BasePredictor):\n"
             "    def predict(self, x: str = Input(default='a')) -> str:\n        return x\n")
SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\n"


def _project(tmp_path: Path, cog_yaml: str, files: dict[str, str]) -> Path:
    root = tmp_path / "model"
    root.mkdir()
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / "cog.yaml").write_text(cog_yaml)
    (tmp_path / "secret.txt").write_text(SECRET)
    return root


@pytest.mark.parametrize("ref", ["./predict.py:Predictor", "sub/../predict.py:Predictor",
                                 ".//predict.py:Predictor", "./sub/./../predict.py:Predictor"])
def test_predict_reference_is_normalised_where_it_is_read(tmp_path: Path, ref: str) -> None:
    root = _project(tmp_path, f'predict: "{ref}"\n', {"predict.py": PREDICTOR, "sub/x.txt": ""})
    project = read_project(root)
    assert project.predictor.file == "predict.py"
    assert [i.name for i in project.predictor.inputs] == ["x"]


def test_nested_predict_reference_is_normalised(tmp_path: Path) -> None:
    root = _project(tmp_path, 'predict: "./src/../src/predict.py:Predictor"\n', {"src/predict.py": PREDICTOR})
    assert read_project(root).predictor.file == "src/predict.py"


@pytest.mark.parametrize("ref", ["../secret.py:Predictor", "/etc/passwd.py:Predictor",
                                 "sub/../../secret.py:Predictor", "link/predict.py:Predictor",
                                 "escape.py:Predictor"])
def test_predict_reference_outside_the_project_is_refused(tmp_path: Path, ref: str) -> None:
    root = _project(tmp_path, f'predict: "{ref}"\n', {"predict.py": PREDICTOR, "sub/x.txt": ""})
    (tmp_path / "secret.py").write_text(PREDICTOR)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "predict.py").write_text(PREDICTOR)
    os.symlink(tmp_path / "elsewhere", root / "link")
    os.symlink(tmp_path / "secret.py", root / "escape.py")
    with pytest.raises(CogProjectError) as error:
        read_project(root)
    assert (error.value.file, error.value.line) == ("cog.yaml", 1)
    assert "outside the project" in error.value.message or "absolute" in error.value.message


def test_train_reference_outside_the_project_is_refused(tmp_path: Path) -> None:
    root = _project(tmp_path, 'predict: "predict.py:Predictor"\ntrain: "../secret.py:train"\n',
                    {"predict.py": PREDICTOR})
    (tmp_path / "secret.py").write_text("def train(x: str) -> str:\n    return x\n")
    with pytest.raises(CogProjectError) as error:
        read_project(root)
    assert error.value.line == 2 and "outside the project" in error.value.message


@pytest.mark.parametrize("where", ["../secret.txt", "/etc/passwd", "{tmp}/secret.txt", "sub/../../secret.txt",
                                   "link.txt"])
def test_requirements_file_outside_the_project_is_refused_without_its_content(
        tmp_path: Path, where: str) -> None:
    root = _project(tmp_path, "", {"sub/x.txt": ""})
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    config = CogConfig(python_requirements=where.format(tmp=tmp_path), lines={"build.python_requirements": 3})
    with pytest.raises(CogProjectError) as error:
        read_requirements(root, config)
    assert (error.value.file, error.value.line) == ("cog.yaml", 3)
    assert "wJalr" not in str(error.value) and "AWS_SECRET" not in str(error.value)
    assert "outside the project" in error.value.message or "absolute" in error.value.message


@pytest.mark.parametrize("line", ["-r ../secret.txt", "-r /etc/passwd", "--requirement=../secret.txt",
                                  "-c ../secret.txt", "--constraint ../secret.txt", "-r link.txt"])
def test_includes_outside_the_project_are_refused_at_their_line(tmp_path: Path, line: str) -> None:
    root = _project(tmp_path, "", {"requirements.txt": f"numpy==1.26.4\n{line}\n"})
    os.symlink(tmp_path / "secret.txt", root / "link.txt")
    config = CogConfig(python_requirements="requirements.txt", lines={"build.python_requirements": 3})
    with pytest.raises(CogProjectError) as error:
        read_requirements(root, config)
    assert (error.value.file, error.value.line) == ("requirements.txt", 2)
    assert "wJalr" not in str(error.value)


def test_includes_inside_the_project_are_normalised(tmp_path: Path) -> None:
    root = _project(tmp_path, "", {"reqs/main.txt": "-r ./../reqs/base.txt\n-c ../constraints.txt\ntorch\n",
                                   "reqs/base.txt": "numpy==1.26.4\n", "constraints.txt": "numpy<2\n"})
    reqs = read_requirements(root, CogConfig(python_requirements="./reqs/../reqs/main.txt"))
    assert reqs.items == ["numpy==1.26.4", "torch"]
    assert reqs.lines[0].location.file == "reqs/base.txt"


# --------------------------------------------------------------------------- credentials


@pytest.mark.parametrize("line", [
    "--index-url https://user:s3cr3tT0ken@pypi.example.com/simple",
    "--extra-index-url=https://__token__:s3cr3tT0ken@pypi.example.com/simple",
    "-i https://s3cr3tT0ken@pypi.example.com/simple",
    "--find-links https://u:s3cr3tT0ken@files.example.com/wheels",
    "git+https://s3cr3tT0ken@github.com/acme/private.git#egg=private",
    "private @ https://u:s3cr3tT0ken@files.example.com/private-1.0.tar.gz",
])
def test_pip_lines_with_credentials_are_reported_masked_not_copied(tmp_path: Path, line: str) -> None:
    root = _project(tmp_path, "", {"requirements.txt": f"numpy==1.26.4\n{line}\n"})
    reqs = read_requirements(root, CogConfig(python_requirements="requirements.txt"))
    assert reqs.items == ["numpy==1.26.4"]
    [finding] = [f for f in reqs.removed if f.code == "C2F013"]
    assert "s3cr3tT0ken" not in finding.message and "***" in finding.message
    assert "fal secret" in finding.message and finding.location.line == 2


def test_credentials_in_python_packages_are_reported_too(tmp_path: Path) -> None:
    reqs = read_requirements(tmp_path, CogConfig(python_packages=[
        "--extra-index-url https://user:s3cr3tT0ken@pypi.example.com/simple", "numpy"]))
    assert reqs.items == ["numpy"]
    assert "s3cr3tT0ken" not in " ".join(f.message for f in reqs.removed)


def test_urls_without_credentials_are_kept(tmp_path: Path) -> None:
    reqs = read_requirements(tmp_path, CogConfig(python_packages=[
        "--extra-index-url https://download.pytorch.org/whl/cu118", "lib @ git+https://github.com/a/b@main"]))
    assert len(reqs.items) == 2 and not reqs.removed


# --------------------------------------------------------------------------- submodules


def test_requirements_in_a_submodule_not_checked_out(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitmodules").write_text('[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = x\n')
    root = _project(tmp_path, "", {})
    (tmp_path / "vendor" / "lib").mkdir(parents=True)
    config = CogConfig(python_requirements="../vendor/lib/requirements.txt")
    with pytest.raises(CogProjectError):  # outside the project: refused before the hint
        read_requirements(root, config)
    (root / "third_party" / "lib").mkdir(parents=True)
    (root / ".gitmodules").write_text('[submodule "lib"]\n  path = third_party/lib\n  url = x\n')
    with pytest.raises(CogProjectError) as error:
        read_requirements(root, CogConfig(python_requirements="third_party/lib/requirements.txt"))
    assert "git submodule update --init" in error.value.message and "third_party/lib" in error.value.message


def test_gitmodules_of_the_repository_above_a_nested_project(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitmodules").write_text('[submodule "x"]\n\tpath = model/deps\n\turl = x\n')
    root = _project(tmp_path, "", {})
    with pytest.raises(CogProjectError) as error:
        read_requirements(root, CogConfig(python_requirements="deps/requirements.txt"))
    assert "git submodule update --init" in error.value.message


def test_empty_folder_where_a_file_should_be_hints_at_submodules(tmp_path: Path) -> None:
    root = _project(tmp_path, "", {"requirements.txt": "-r extern/reqs.txt\n"})
    (root / "extern").mkdir()
    with pytest.raises(CogProjectError) as error:
        read_requirements(root, CogConfig(python_requirements="requirements.txt"))
    assert "git submodule update --init" in error.value.message and error.value.line == 1


def test_plainly_missing_file_has_no_submodule_hint(tmp_path: Path) -> None:
    root = _project(tmp_path, "", {"x.txt": ""})
    with pytest.raises(CogProjectError) as error:
        read_requirements(root, CogConfig(python_requirements="requirements.txt"))
    assert "does not exist" in error.value.message and "submodule" not in error.value.message


def test_predictor_in_a_submodule_not_checked_out(tmp_path: Path) -> None:
    root = _project(tmp_path, 'predict: "model/predict.py:Predictor"\n', {})
    (root / "model").mkdir()
    (root / ".gitmodules").write_text('[submodule "model"]\n\tpath = model\n\turl = x\n')
    with pytest.raises(CogProjectError) as error:
        read_project(root)
    assert "git submodule update --init" in error.value.message
