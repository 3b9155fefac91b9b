"""Valid Cog code that must convert into an app that answers (served in process with fal's own
app server): multi-line `default_factory` lambdas, `ClassVar`s in output models, and names that
collide with what the generated app imports or defines."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cog2fal.convert import ConvertOptions, convert_project
from tests.support.fal_apps import openapi, serve
from tests.support.trees import write_tree


def convert_and_serve(tmp_path: Path, predictor: str, payload: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    project = tmp_path / "model"
    project.mkdir()
    (project / "predict.py").write_text(predictor)
    (project / "cog.yaml").write_text('build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n')
    out = tmp_path / "out"
    write_tree(out, convert_project(project, ConvertOptions(mode="app")).files)
    schema = openapi(out / "fal_app.py")
    with serve(out) as client:
        response = client.post("/", json=payload)
        assert response.status_code == 200, response.text
        return response.json(), schema


def test_default_factory_lambda_over_several_lines(tmp_path: Path) -> None:
    answer, _ = convert_and_serve(tmp_path, '''from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(
        self,
        sizes: list = Input(
            default_factory=lambda: [
                1,
                2,
            ],
        ),
        other: list = Input(default_factory=lambda: [3]),
    ) -> str:
        return f"{sizes}|{other}"
''', {})
    assert answer == {"output": "[1, 2]|[3]"}


def test_classvar_in_an_output_model_is_not_a_response_field(tmp_path: Path) -> None:
    answer, schema = convert_and_serve(tmp_path, '''from typing import ClassVar
import typing

from cog import BaseModel, BasePredictor


class Result(BaseModel):
    kind: ClassVar[str] = "result"
    version: typing.ClassVar[int] = 2
    text: str


class Predictor(BasePredictor):
    def predict(self, prompt: str) -> Result:
        return Result(text=prompt + Result.kind)
''', {"prompt": "a"})
    assert answer == {"text": "aresult"}
    assert set(schema["components"]["schemas"]["Result"]["properties"]) == {"text"}
