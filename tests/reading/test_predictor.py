"""Predictor analysis on shapes real projects have (regressions from real-world checks)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import MISSING
from cog2fal.reading.project_reader import read_project


def project(tmp_path: Path, source: str, ref: str = "predict.py:Predictor"):
    (tmp_path / "cog.yaml").write_text(f'predict: "{ref}"\n')
    (tmp_path / ref.split(":")[0]).write_text(textwrap.dedent(source).lstrip())
    return read_project(tmp_path)


def test_choices_split_over_lines_fold(tmp_path: Path) -> None:
    entry = project(tmp_path, '''
        from cog import BasePredictor, Input
        A = ["x", "y"]
        class Predictor(BasePredictor):
            def predict(self, mode: str = Input(choices=A
                    + ["z"], default="x")) -> str:
                return mode
    ''').predictor
    assert entry.inputs[0].choices == ["x", "y", "z"]


def test_optional_without_default_is_optional(tmp_path: Path) -> None:
    entry = project(tmp_path, '''
        from typing import Optional
        from cog import BasePredictor, Input
        class Predictor(BasePredictor):
            def predict(self, s: Optional[str] = Input(description="d"), t: str = Input()) -> str:
                return s or t
    ''').predictor
    s, t = entry.inputs
    assert not s.required and s.default is MISSING and s.optional_by_none_default
    assert t.required


def test_cog_image_and_weights_are_paths(tmp_path: Path) -> None:
    entry = project(tmp_path, '''
        from typing import List
        from cog import BasePredictor, Image
        class Predictor(BasePredictor):
            def predict(self, image: Image) -> List[Image]:
                return [image]
    ''').predictor
    assert entry.inputs[0].type.kind == "path"
    assert entry.output.describe() == "List[Path]"


def test_assigned_predict_is_refused_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(CogProjectError) as error:
        project(tmp_path, '''
            from cog import BasePredictor
            def general(self, x: str) -> str:
                return x
            class Predictor(BasePredictor):
                predict = general
        ''')
    assert error.value.line == 5 and "assigned" in error.value.message


@pytest.mark.parametrize("signature", ["self, a: str = Input(), /, b: str = Input()", "self, a: str, /"])
def test_positional_only_inputs_are_refused_at_their_line(tmp_path: Path, signature: str) -> None:
    """Cog passes inputs by keyword; found by the fuzz suite, where the rewrite used to crash."""
    with pytest.raises(CogProjectError) as error:
        project(tmp_path, f'''
            from cog import BasePredictor, Input
            class Predictor(BasePredictor):
                def predict({signature}) -> str:
                    return "x"
        ''')
    assert error.value.line == 3 and "positional-only" in error.value.message and "`a`" in error.value.message


def test_self_alone_may_be_positional_only(tmp_path: Path) -> None:
    entry = project(tmp_path, '''
        from cog import BasePredictor, Input
        class Predictor(BasePredictor):
            def predict(self, /, b: str = Input()) -> str:
                return b
    ''').predictor
    assert [spec.name for spec in entry.inputs] == ["b"]


def test_legacy_path_type_is_a_file_input_without_warning(tmp_path: Path) -> None:
    result = project(tmp_path, '''
        import cog
        from pathlib import Path
        class Predictor(cog.Predictor):
            @cog.input("image", type=Path, help="Image")
            def predict(self, image):
                return image
    ''')
    assert result.predictor.inputs[0].type.kind == "path"
    assert not [f for f in result.findings if f.code == "C2F109"]


@pytest.mark.parametrize(("models", "line", "field"), [
    ("class Output(BaseModel):\n    text: str\n    more: 'Output' = None\n", 6, "more"),
    ("class Output(BaseModel):\n    items: list['Part']\n"
     "class Part(BaseModel):\n    parent: Optional['Output'] = None\n", 7, "parent"),
])
def test_recursive_output_models_are_refused_at_the_field(
        tmp_path: Path, models: str, line: int, field: str) -> None:
    """Found by the fuzz suite: following a model that contains itself never ended."""
    source = ("from __future__ import annotations\nfrom typing import Optional\n"
              "from cog import BasePredictor, BaseModel\n" + models +
              "class Predictor(BasePredictor):\n    def predict(self) -> Output:\n        pass\n")
    with pytest.raises(CogProjectError) as error:
        project(tmp_path, source)
    assert error.value.line == line and f"`{field}`" in error.value.message
    assert "recursive" in error.value.message


def test_a_model_used_twice_is_not_recursive(tmp_path: Path) -> None:
    entry = project(tmp_path, '''
        from cog import BasePredictor, BaseModel
        class Box(BaseModel):
            size: int
        class Output(BaseModel):
            first: Box
            second: list[Box]
        class Predictor(BasePredictor):
            def predict(self) -> Output:
                pass
    ''').predictor
    assert list(entry.output_models) == ["Output", "Box"]


def test_legacy_parameters_without_a_decorator_are_not_inputs(tmp_path: Path) -> None:
    """Cog's 2021 API passed only the `@cog.input` parameters: the others keep their default."""
    result = project(tmp_path, '''
        import cog
        class Predictor(cog.Predictor):
            @cog.input("prompt", type=str, help="Prompt")
            def predict(self, prompt, debug=False, *, scale: float = 2.0):
                return prompt
    ''')
    assert [spec.name for spec in result.predictor.inputs] == ["prompt"]
    notes = [f for f in result.findings if f.code == Code.LEGACY_NOT_AN_INPUT]
    assert [(f.location.line, f.message.split("`")[1]) for f in notes] == [(4, "debug"), (4, "scale")]


def test_a_legacy_parameter_without_decorator_or_default_is_refused_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(CogProjectError) as error:
        project(tmp_path, '''
            import cog
            class Predictor(cog.Predictor):
                @cog.input("prompt", type=str, default="x")
                def predict(self,
                            prompt,
                            scale):
                    return prompt
        ''')
    assert error.value.line == 6 and "`scale`" in error.value.message
    assert "@cog.input" in error.value.message


def test_a_legacy_base_without_decorators_reads_the_signature(tmp_path: Path) -> None:
    """`cog.Predictor` stayed an alias of `BasePredictor` in 0.1+: without `@cog.input` the
    parameters are the inputs, as in the pydantic era."""
    entry = project(tmp_path, '''
        import cog
        class Predictor(cog.Predictor):
            def predict(self, prompt: str = cog.Input(default="x")) -> str:
                return prompt
    ''').predictor
    assert [(spec.name, spec.default) for spec in entry.inputs] == [("prompt", "x")]
