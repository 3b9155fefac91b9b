"""The converted inputs held to a published Cog schema (cog2fal/reporting/schema_check.py), and
`--schema FILE` (cog2fal/reading/published_schema.py) on the command line."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cog2fal.convert import ConvertOptions, convert_project
from cog2fal.errors import CogProjectError
from cog2fal.reading.published_schema import published_schema, read_schema_file
from cog2fal.reporting.schema_check import message, schema_differences
from tests.conftest import FIXTURES
from tests.support.cog_schema import cog_openapi_schema
from tests.support.trees import read_tree, tree_differences

# As in tests/test_schema_parity.py: projects Cog 0.16.12 cannot publish a schema for.
NOT_016 = {"legacy_2021_model", "legacy_cog_predictor", "runner_v020", "async_iterator",
           "metrics_emit", "untyped_output"}
NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "cog.yaml").is_file() and p.name not in NOT_016)


@pytest.mark.parametrize("name", NAMES)
def test_cogs_own_schema_agrees_except_where_the_conversion_said_so(name: str) -> None:
    """Only the inputs the conversion flagged (C2F106: choices it cannot compute) may differ."""
    conversion = convert_project(FIXTURES / name, ConvertOptions())
    published = published_schema(cog_openapi_schema(FIXTURES / name), "cog 0.16.12")
    flagged = {(f.message.split("`")[1], "enum") for f in conversion.findings if f.code == "C2F106"}
    found = {(d.field, d.attribute) for d in schema_differences(conversion.project, published)}
    assert found == flagged


def _hello_schema() -> dict:
    return cog_openapi_schema(FIXTURES / "hello_text")


def test_each_difference_names_the_field_both_values_and_the_source() -> None:
    doc = copy.deepcopy(_hello_schema())
    props = doc["components"]["schemas"]["Input"]["properties"]
    name, shout = props["name"], props["shout"]
    name["description"], name["minLength"] = "Someone", 2
    shout["default"], shout["deprecated"] = True, True
    conversion = convert_project(FIXTURES / "hello_text", ConvertOptions(),
                                 published=[published_schema(doc, "schema.json")])
    found = sorted(message(d) for d in conversion.schema_differences)
    assert found == [
        "input `name`: description is 'Someone' in the published schema (schema.json), 'Who to greet' "
        "in the converted app",
        "input `name`: min_length is 2 in the published schema (schema.json), None in the converted app",
        "input `shout`: default is True in the published schema (schema.json), False in the converted app",
        "input `shout`: deprecated is True in the published schema (schema.json), False in the converted app",
    ]
    findings = [f for f in conversion.findings if f.code == "C2F050"]
    assert len(findings) == 4 and all(f.severity == "warning" and f.location.file == "predict.py"
                                      for f in findings)
    assert b"(C2F050)" in conversion.files["MIGRATION.md"]


def test_training_inputs_are_checked_too() -> None:
    doc = copy.deepcopy(cog_openapi_schema(FIXTURES / "train_class"))
    training = doc["components"]["schemas"]["TrainingInput"]["properties"]
    field = next(iter(training))
    training[field]["description"] = "changed"
    conversion = convert_project(FIXTURES / "train_class", ConvertOptions())
    differences = schema_differences(conversion.project, published_schema(doc, "x"))
    assert [(d.model, d.field, d.attribute) for d in differences] == [("TrainingInput", field, "description")]
    assert message(differences[0]).startswith(f"training input `{field}`: description is 'changed'")


@pytest.mark.parametrize("wrap", [
    lambda doc: doc,
    lambda doc: {"id": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa",
                 "created_at": "2024-01-01T00:00:00Z", "cog_version": "0.16.12", "openapi_schema": doc},
    lambda doc: {"owner": "acme", "name": "hello", "latest_version": {"openapi_schema": doc}},
], ids=["document", "version", "model"])
def test_the_shapes_replicate_serves_are_read(wrap, tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(wrap(_hello_schema())))
    assert read_schema_file(path).document == _hello_schema()


@pytest.mark.parametrize("text, error", [
    ("{\n  oops", "schema.json:2: not JSON: Expecting property name enclosed in double quotes"),
    ('{"openapi_schema": {"components": {}}}', "schema.json: not a Cog OpenAPI schema"),
    ("[]", "schema.json: not a Cog OpenAPI schema"),
])
def test_a_file_that_is_not_a_schema_is_one_error(text: str, error: str, tmp_path: Path) -> None:
    path = tmp_path / "schema.json"
    path.write_text(text)
    with pytest.raises(CogProjectError) as caught:
        read_schema_file(path)
    assert str(caught.value).startswith(str(tmp_path / error.split(":", 1)[0]) + ":" + error.split(":", 1)[1])


def cog2fal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", *args], capture_output=True, text=True,
                          timeout=120)


def test_an_agreeing_schema_changes_no_byte_and_says_so(tmp_path: Path) -> None:
    schema = tmp_path / "version.json"
    schema.write_text(json.dumps({"id": "v1", "openapi_schema": _hello_schema()}))
    plain = cog2fal("convert", str(FIXTURES / "hello_text"), "--out", str(tmp_path / "plain"))
    checked = cog2fal("convert", str(FIXTURES / "hello_text"), "--out", str(tmp_path / "checked"),
                      "--schema", str(schema))
    assert plain.returncode == checked.returncode == 0, checked.stderr
    assert tree_differences(read_tree(tmp_path / "plain"), read_tree(tmp_path / "checked")) == []
    assert f"inputs agree field by field with the published schema ({schema})" in checked.stdout
    report = json.loads(cog2fal("inspect", str(FIXTURES / "hello_text"), "--schema", str(schema),
                                "--json").stdout)
    assert report["schema_check"] == {"sources": [str(schema)], "differences": []}


def test_a_disagreeing_schema_file_is_reported_everywhere(tmp_path: Path) -> None:
    doc = copy.deepcopy(_hello_schema())
    doc["components"]["schemas"]["Input"]["properties"]["shout"]["default"] = True
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(doc))
    done = cog2fal("convert", str(FIXTURES / "hello_text"), "--out", str(tmp_path / "out"),
                   "--schema", str(schema), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["schema_check"]["differences"] == [
        {"source": str(schema), "model": "Input", "field": "shout", "attribute": "default",
         "published": True, "converted": False}]
    migration = (tmp_path / "out" / "MIGRATION.md").read_text()
    assert "`shout`: default is True in the published schema" in migration
    text = cog2fal("inspect", str(FIXTURES / "hello_text"), "--schema", str(schema))
    assert "input `shout`: default is True in the published schema" in text.stdout
    assert "1 difference from the published schema" in text.stdout


def test_schema_errors_on_the_command_line_are_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    for command in ("convert", "inspect"):
        done = cog2fal(command, str(FIXTURES / "hello_text"), "--schema", str(broken),
                       *(["--out", str(tmp_path / "out")] if command == "convert" else []))
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert done.stderr.startswith(f"error: {broken}:1: not JSON")
    assert not (tmp_path / "out").exists()
    done = cog2fal("convert", str(FIXTURES / "hello_text"), str(FIXTURES / "secrets"),
                   "--schema", str(broken))
    assert done.returncode == 2 and "--schema belongs to one project" in done.stderr
