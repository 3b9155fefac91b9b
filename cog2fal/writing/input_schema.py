"""The input schema the converted app publishes, known without loading the app.

`models.py` renders each Cog input as a pydantic field; this module says what FastAPI will
publish for that field, in `verify/schemas.py`'s dialect-free `FieldSchema` form, so the
conversion can be compared with a published Cog schema without importing fal, pydantic models
or the user's code. tests/writing/test_input_schema.py holds it to fal's real `openapi()` for
every golden app.
"""

from __future__ import annotations

from typing import Any

from cog2fal.project import MISSING, Entrypoint, InputField, TypeRef
from cog2fal.verify.schemas import NO_DEFAULT, FieldSchema

_JSON_TYPES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean",
               "dict": "object"}


def _frozen(value: Any) -> Any:
    """JSON-shaped value → the immutable form FieldSchema holds (as `schemas._freeze` does)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    return value


def _shape(type_ref: TypeRef) -> FieldSchema:
    """Type, format and items of a rendered annotation (see `models.input_annotation`)."""
    kind = type_ref.kind
    if kind == "optional":
        return _shape(type_ref.inner)
    if kind in ("path", "file"):
        return FieldSchema(type="string", format="uri")
    if kind == "secret":
        return FieldSchema(type="string", format="password")
    if kind == "list":
        return FieldSchema(type="array", items=_shape(type_ref.inner))
    if kind == "union" and type_ref.args:
        shapes = [_shape(arg) for arg in type_ref.args if arg.kind != "none"]
        if len(shapes) == 1:
            return shapes[0]
        return FieldSchema(type="|".join(sorted({str(s.type) for s in shapes})))
    return FieldSchema(type=_JSON_TYPES.get(kind))


def _choices_type(choices: list[Any]) -> str | None:
    """The type pydantic publishes beside a `Literal[...]` enum: one JSON type, or none."""
    kinds = {"boolean" if isinstance(c, bool) else "integer" if isinstance(c, int) else
             "number" if isinstance(c, float) else "string" if isinstance(c, str) else "other"
             for c in choices}
    return kinds.pop() if len(kinds) == 1 and "other" not in kinds else None


def field_schema_of(spec: InputField) -> FieldSchema:
    shape = _shape(spec.type)
    enum = None
    if spec.choices is not None:
        shape = FieldSchema(type=_choices_type(spec.choices))
        enum = _frozen(list(spec.choices))
    is_list = shape.type == "array"
    default = NO_DEFAULT if spec.default is MISSING or spec.default is None else _frozen(spec.default)
    return FieldSchema(
        type=shape.type,
        format=shape.format,
        items=shape.items,
        required=spec.required,
        default=default,
        minimum=_frozen(spec.ge),
        maximum=_frozen(spec.le),
        # On a list, pydantic publishes length limits as minItems / maxItems, which no
        # dialect-free attribute holds (Cog publishes none for lists either).
        min_length=None if is_list else spec.min_length,
        max_length=None if is_list else spec.max_length,
        pattern=spec.regex,
        enum=enum,
        description=spec.description,
        deprecated=bool(spec.deprecated),
    )


def input_schema(entry: Entrypoint) -> dict[str, FieldSchema]:
    """The published fields of the entrypoint's Input model, by published name, in order."""
    return {spec.name: field_schema_of(spec) for spec in entry.inputs}
