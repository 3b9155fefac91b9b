"""The converted app's Input schema equals, field by field, what Cog's own schema command
(Cog 0.16.12, the generation most Replicate models were published with) produces for the
original project: name, order, type, required, default, bounds, lengths, pattern, enum,
description, deprecated."""

from __future__ import annotations

import pytest

from cog2fal.convert import ConvertOptions, convert_project
from cog2fal.verify.schemas import compare_fields, input_fields
from tests.conftest import FIXTURES, GOLDEN
from tests.support.cog_schema import cog_openapi_schema
from tests.support.fal_apps import openapi

# Projects Cog 0.16.12 itself cannot publish a schema for (tests/fixtures/projects/README.md):
# other Cog generations (2021 decorators, 0.20's BaseRunner) or output types 0.16 rejects.
NOT_016 = {"legacy_2021_model", "legacy_cog_predictor", "runner_v020", "async_iterator",
           "metrics_emit", "untyped_output"}
NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "cog.yaml").is_file() and p.name not in NOT_016)
TRAINERS = [name for name in NAMES if "train:" in (FIXTURES / name / "cog.yaml").read_text()]


def _fmt(differences) -> str:
    return "\n".join(f"{d.field}.{d.attribute}: cog={d.expected!r} fal={d.actual!r}" for d in differences)


def _declared_todos(name: str) -> set[tuple[str, str]]:
    """(field, attribute) pairs the conversion itself flagged as needing a hand: a `choices`
    list read from a file at import time cannot be known statically, so it is a TODO."""
    findings = convert_project(FIXTURES / name, ConvertOptions()).findings
    declared = set()
    for finding in findings:
        if finding.code == "C2F106":
            declared.add((finding.message.split("`")[1], "enum"))
    return declared


@pytest.mark.parametrize("name", NAMES)
def test_input_schema_matches_cog(name: str) -> None:
    expected = input_fields(cog_openapi_schema(FIXTURES / name), "Input")
    actual = input_fields(openapi(GOLDEN / name / "fal_app.py"), "Input", route="/")
    assert expected, "Cog published no inputs: the comparison would prove nothing"
    differences = compare_fields(expected, actual)
    undeclared = [d for d in differences if (d.field, d.attribute) not in _declared_todos(name)]
    assert not undeclared, _fmt(undeclared)


@pytest.mark.parametrize("name", TRAINERS)
def test_training_input_schema_matches_cog(name: str) -> None:
    expected = input_fields(cog_openapi_schema(FIXTURES / name), "TrainingInput")
    actual = input_fields(openapi(GOLDEN / name / "fal_app.py"), "TrainingInput", route="/train")
    differences = compare_fields(expected, actual)
    assert not differences, _fmt(differences)


def test_a_changed_default_is_caught() -> None:
    """The comparison is not vacuous: a wrong default in the fal schema is reported."""
    expected = input_fields(cog_openapi_schema(FIXTURES / "hello_text"), "Input")
    doc = openapi(GOLDEN / "hello_text" / "fal_app.py")
    props = doc["components"]["schemas"]["Input"]["properties"]
    field = next(name for name, prop in props.items() if "default" in prop)
    props[field]["default"] = "something else"
    differences = compare_fields(expected, input_fields(doc, "Input", route="/"))
    assert [(d.field, d.attribute) for d in differences] == [(field, "default")]
