"""The statically derived input schema equals what fal's own openapi() publishes for the
rendered app, field by field, for every golden project and example."""

from __future__ import annotations

import pytest

from cog2fal.convert import ConvertOptions, convert_project
from cog2fal.project import Entrypoint, InputField, TypeRef
from cog2fal.verify.schemas import compare_fields, input_fields
from cog2fal.writing.input_schema import input_schema
from tests.conftest import EXAMPLES, FIXTURES, GOLDEN
from tests.support.fal_apps import openapi

PROJECTS = sorted(p.name for p in FIXTURES.iterdir() if (p / "cog.yaml").is_file())
EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.iterdir() if (p / "cog" / "cog.yaml").is_file())


def _pairs(project_dir, app_file):
    conversion = convert_project(project_dir, ConvertOptions())
    doc = openapi(app_file)
    yield "Input", input_schema(conversion.project.predictor), input_fields(doc, "Input", route="/")
    if conversion.project.trainer is not None:
        yield ("TrainingInput", input_schema(conversion.project.trainer),
               input_fields(doc, "TrainingInput", route="/train"))


@pytest.mark.parametrize("name", PROJECTS)
def test_static_schema_is_what_fal_publishes(name: str) -> None:
    for model, static, published in _pairs(FIXTURES / name, GOLDEN / name / "fal_app.py"):
        assert compare_fields(published, static) == [], model


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_static_schema_of_examples(name: str) -> None:
    app_file = EXAMPLES / name / "fal" / "fal_app.py"
    for model, static, published in _pairs(EXAMPLES / name / "cog", app_file):
        assert published, f"{model}: fal published no inputs: the comparison would prove nothing"
        assert compare_fields(published, static) == [], model


def test_a_wrong_static_type_would_be_caught() -> None:
    """The comparison sees the type: an int input described as a string is a difference."""
    entry = Entrypoint("predict", "predict.py", "Predictor", "class", "predict",
                       inputs=[InputField("steps", TypeRef("int"), default=4, ge=1)])
    static = input_schema(entry)
    assert static["steps"].type == "integer" and static["steps"].minimum == 1
    wrong = {"steps": static["steps"].__class__(type="string", default=4, minimum=1)}
    assert [(d.field, d.attribute) for d in compare_fields(static, wrong)] == [("steps", "type")]
