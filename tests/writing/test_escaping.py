"""Project text that reaches fal_app.py is escaped on one path: the app always compiles, and its
syntax tree holds no name, call or statement that came from project text outside string literals.
`PWNED` marks the hostile text: it may appear only inside string constants (and comments)."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

from cog2fal.conversion import ConvertOptions
from cog2fal.convert import convert_project
from cog2fal.errors import CogProjectError

MARK = "PWNED"


def names_outside_strings(code: str) -> set[str]:
    """Every identifier the module's syntax tree uses (names, attributes, imports, definitions,
    keywords): what would run on import, as opposed to text inside string constants."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.update([node.name, node.asname or ""])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.keyword) and node.arg:
            found.add(node.arg)
        elif isinstance(node, ast.arg):
            found.add(node.arg)
    return found


def convert(tmp_path: Path, files: dict[str, str], mode: str = "app") -> dict[str, bytes]:
    root = tmp_path / "model"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return convert_project(root, ConvertOptions(mode=mode)).files


def check_app(files: dict[str, bytes]) -> str:
    code = files["fal_app.py"].decode("utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an invalid escape sequence is a SyntaxWarning today
        compile(code, "fal_app.py", "exec", dont_inherit=True)
    assert not {name for name in names_outside_strings(code) if MARK in name}, code
    return code


PREDICTOR = '''from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(self, x: str = Input(default="a")) -> str:
        return x
'''


@pytest.mark.parametrize("file_name", [
    'x""";PWNED();"""y.py',
    'x""";import PWNED;"""y.py',
    "back\\slash.py",
    "bad\\x.py",
    "bad\\N.py",
    "ends-with-quote\".py",
    "a'''PWNED()'''b.py",
    "é\u202eevil.py",
])
def test_predictor_file_names_are_escaped(tmp_path: Path, file_name: str) -> None:
    quoted = file_name.replace("\\", "\\\\").replace('"', '\\"')
    files = convert(tmp_path, {file_name: PREDICTOR, "cog.yaml": f'predict: "{quoted}:Predictor"\n'})
    check_app(files)


def test_return_annotation_text_is_escaped(tmp_path: Path) -> None:
    source = '''from typing import Literal

from cog import BasePredictor


class Predictor(BasePredictor):
    def predict(self, x: str) -> Literal['"""\\nimport os; os.PWNED("x")\\n"""', "\\\\"]:
        return x
'''
    check_app(convert(tmp_path, {"predict.py": source, "cog.yaml": 'predict: "predict.py:Predictor"\n'}))


def test_multiline_output_field_default_is_rewritten_not_pasted(tmp_path: Path) -> None:
    source = '''from cog import BaseModel, BasePredictor


class Result(BaseModel):
    text: str = (
        "a"
        "b"
    )
    sizes: tuple = (
        1,
        2,
    )


class Predictor(BasePredictor):
    def predict(self, x: str) -> Result:
        return Result()
'''
    cog_yaml = 'predict: "predict.py:Predictor"\n'
    code = check_app(convert(tmp_path, {"predict.py": source, "cog.yaml": cog_yaml}))
    assert 'text: str = "ab"' in code and "] = (1, 2)" in code


@pytest.mark.parametrize("name", ["Pred ictor", "Predictor;import os", "Predictor\\", "1Predictor", "class"])
def test_entrypoint_names_that_are_not_identifiers_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(CogProjectError) as error:
        convert(tmp_path, {"predict.py": PREDICTOR,
                           "cog.yaml": f'predict: "predict.py:{name.replace(chr(92), chr(92) * 2)}"\n'})
    assert (error.value.file, error.value.line) == ("cog.yaml", 1) and "identifier" in error.value.message


def test_every_generated_python_file_is_compiled_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug that makes invalid Python is an internal error naming the file, not a broken app."""
    from cog2fal import convert as convert_module
    from cog2fal.writing.compiled import GeneratedCodeError

    monkeypatch.setattr(convert_module, "render_app", lambda project, plan: "def broken(:\n")
    with pytest.raises(GeneratedCodeError, match=r"fal_app\.py:1"):
        convert(tmp_path, {"predict.py": PREDICTOR, "cog.yaml": 'predict: "predict.py:Predictor"\n'})
