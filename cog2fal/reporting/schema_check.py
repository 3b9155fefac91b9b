"""The converted app's inputs held to a published Cog schema, field by field.

Both sides go through `verify/schemas.py`'s normalisation and comparison (the same code
`cog2fal verify` uses against a running Cog): the published side from the OpenAPI document,
the converted side from the project model (`writing/input_schema.py`), so nothing is imported
or run. Each difference becomes a `Code.SCHEMA_DIFFERS` finding at the input's place
in the code, naming the attribute, both values and where the published schema came from.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import Entrypoint, Finding, Project
from cog2fal.reading.published_schema import PublishedSchema
from cog2fal.verify.schemas import NO_DEFAULT, compare_fields, input_fields
from cog2fal.writing.input_schema import input_schema


@dataclass(frozen=True)
class SchemaDifference:
    source: str
    model: str  # Input | TrainingInput
    field: str
    attribute: str  # a FieldSchema attribute, `present` or `order`
    published: Any
    converted: Any


def _entries(project: Project) -> list[tuple[str, str, Entrypoint]]:
    found = [("Input", "/", project.predictor)]
    if project.trainer is not None:
        found.append(("TrainingInput", "/train", project.trainer))
    return found


def schema_differences(project: Project, published: PublishedSchema) -> list[SchemaDifference]:
    components = published.document.get("components", {}).get("schemas", {})
    differences = []
    for model, _route, entry in _entries(project):
        if model not in components:
            continue  # a schema published without training: nothing to hold /train to
        try:
            expected = input_fields(published.document, model)
        except (KeyError, TypeError, AttributeError) as exc:
            raise CogProjectError(f"cannot read {model} of the published schema: {exc}",
                                  published.source) from None
        for found in compare_fields(expected, input_schema(entry)):
            differences.append(SchemaDifference(published.source, model, found.field, found.attribute,
                                                found.expected, found.actual))
    return differences


def shown(value: Any) -> str:
    if value is NO_DEFAULT:
        return "no default"
    if is_dataclass(value):
        parts = [f"{f.name}={getattr(value, f.name)!r}" for f in fields(value)
                 if getattr(value, f.name) not in (None, False, NO_DEFAULT)]
        return "{" + ", ".join(parts) + "}"
    if isinstance(value, tuple):
        return repr(list(value))
    return repr(value)


def message(difference: SchemaDifference) -> str:
    kind = "training input" if difference.model == "TrainingInput" else "input"
    name, source = f"{kind} `{difference.field}`", difference.source
    if difference.attribute == "present":
        if difference.published:
            return f"{name} is in the published schema ({source}) but not in the converted app"
        return f"{name} of the converted app is not in the published schema ({source})"
    if difference.attribute == "order":
        return (f"{name} is at position {difference.published} in the published schema ({source}), "
                f"{difference.converted} in the converted app")
    return (f"{name}: {difference.attribute} is {shown(difference.published)} in the published "
            f"schema ({source}), {shown(difference.converted)} in the converted app")


def schema_findings(project: Project, published: list[PublishedSchema]) -> tuple[
        list[Finding], list[SchemaDifference]]:
    """Findings (for the terminal, JSON and MIGRATION.md) and the differences they report."""
    findings, differences = [], []
    entries = {model: entry for model, _route, entry in _entries(project)}
    for schema in published:
        for difference in schema_differences(project, schema):
            entry = entries[difference.model]
            spec = next((s for s in entry.inputs if s.name == difference.field), None)
            location = spec.location if spec is not None and spec.location else entry.location
            findings.append(Finding(Code.SCHEMA_DIFFERS, message(difference), location))
            differences.append(difference)
    return findings, differences


def _json_value(value: Any) -> Any:
    if value is NO_DEFAULT:
        return None
    if is_dataclass(value):
        return {f.name: _json_value(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def difference_json(difference: SchemaDifference) -> dict[str, Any]:
    return {"source": difference.source, "model": difference.model, "field": difference.field,
            "attribute": difference.attribute, "published": _json_value(difference.published),
            "converted": _json_value(difference.converted)}
