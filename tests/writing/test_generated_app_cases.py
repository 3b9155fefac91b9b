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


# --------------------------------------------------------------------------- name collisions


@pytest.mark.parametrize("model", ["Image", "Video", "Audio", "File", "upload", "BaseModel",
                                   "Field", "Any", "ClassVar", "mimetypes", "fal"])
def test_output_models_named_like_what_the_app_uses(tmp_path: Path, model: str) -> None:
    """The project's class keeps its name (the schema's); the app's own import is aliased."""
    answer, schema = convert_and_serve(tmp_path, f'''import os
import tempfile
from typing import List

from cog import BaseModel, BasePredictor, Path


class {model}(BaseModel):
    caption: str
    picture: Path


class Predictor(BasePredictor):
    def predict(self, prompt: str) -> {model}:
        path = os.path.join(tempfile.mkdtemp(), "out.png")
        with open(path, "wb") as handle:
            handle.write(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(64))
        return {model}(caption=prompt, picture=Path(path))
''', {"prompt": "hi"})
    assert answer["caption"] == "hi" and answer["picture"]["url"]
    assert answer["picture"]["content_type"] == "image/png"
    # Published under its own title (pydantic names the component in full beside fal's File).
    assert any(s.get("title") == model and "caption" in s.get("properties", {})
               for s in schema["components"]["schemas"].values())


@pytest.mark.parametrize("model", ["Output", "Input"])
def test_output_models_named_like_the_generated_models(tmp_path: Path, model: str) -> None:
    answer, _ = convert_and_serve(tmp_path, f'''from typing import List

from cog import BaseModel, BasePredictor, Input as CogInput


class {model}(BaseModel):
    text: str


class Predictor(BasePredictor):
    def predict(self, prompt: str = CogInput(default="a")) -> List[{model}]:
        return [{model}(text=prompt), {model}(text=prompt * 2)]
''', {"prompt": "x"})
    assert answer == {"output": [{"text": "x"}, {"text": "xx"}]}


def test_inputs_named_like_types_and_pydantic_attributes(tmp_path: Path) -> None:
    answer, schema = convert_and_serve(tmp_path, '''from cog import BasePredictor, Input


class Predictor(BasePredictor):
    def predict(self, str: str = Input(default="a"), model_config: int = 1, int: int = 2,
                Field: float = 0.5, upload: bool = True) -> str:
        return f"{str}|{model_config}|{int}|{Field}|{upload}"
''', {"str": "b", "model_config": 3, "int": 4, "Field": 1.5, "upload": False})
    assert answer == {"output": "b|3|4|1.5|False"}
    properties = next(s for s in schema["components"]["schemas"].values()
                      if "model_config" in s.get("properties", {}))
    assert list(properties["properties"]) == ["str", "model_config", "int", "Field", "upload"]
