"""Input schemas of Cog and fal, normalised so they can be compared field by field.

cog2fal promises that the Input a converted app publishes matches, field by field, the one
Cog publishes: type, required, default, bounds, length limits, pattern, enum, description,
deprecated, and order. The two platforms spell the same facts differently, so a plain JSON
diff would report noise and miss nothing useful:

- Cog (pydantic era, ≤ 0.16) puts choices in a component referenced through
  `allOf: [{$ref}]` whose description is the meaningless "An enumeration."; marks Optional
  with `nullable: true`; orders fields with `x-order`; writes `minimum: 1.0` for an int bound.
  0.20+ adds `default: null` to Optional fields.
- fal (FastAPI, OpenAPI 3.1) writes Optional as `anyOf: [T, {type: null}]`, choices as an
  inline `enum` (a `Literal`), a file as a `$ref` to its `File` component, and the order in
  `x-fal-order-properties`.

`FieldSchema` keeps only what a client can observe. Nullability is deliberately not part of the
type (Cog ≤ 0.16 did not publish it consistently; what matters to a client is `required` and
the default), an explicit `default: null` counts as no default, numbers are compared as numbers
(`1 == 1.0`, but `True != 1`), and a fal `File` object counts as Cog's `{type: string, format:
uri}`: either way the client sends a URL (http(s) or `data:`). A secret's default (`format:
password`) is compared masked, `**********`: Cog's pydantic-1 schemas and cog2fal's apps publish
the mask, pydantic-2 Cog the value; either way the field has a default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from cog2fal.reporting.masking import MASK

__all__ = [
    "NO_DEFAULT",
    "Difference",
    "FieldSchema",
    "compare_fields",
    "field_schema",
    "input_fields",
    "normalise_object",
]

JsonDict = Mapping[str, Any]


class _NoDefault:
    """Marks a field that publishes no default (distinct from a default of a real value)."""

    _instance: _NoDefault | None = None

    def __new__(cls) -> _NoDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<no default>"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "NO_DEFAULT"


NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True)
class FieldSchema:
    """What a client can observe about one input field, in a dialect-free form.

    `type` is the JSON type (`None` for "anything"; several types joined with `|`), `format`
    keeps values such as `uri` (files) and `password` (secrets), `items` describes array
    elements, `enum` is a tuple in published order, and `default` is `NO_DEFAULT` when none
    is published. Lists inside defaults and enums are tuples so the object is truly immutable.
    """

    type: str | None
    format: str | None = None
    items: FieldSchema | None = None
    required: bool = False
    default: Any = NO_DEFAULT
    minimum: int | float | None = None
    maximum: int | float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    enum: tuple[Any, ...] | None = None
    description: str | None = None
    deprecated: bool = False


@dataclass(frozen=True)
class Difference:
    """One mismatch: `attribute` of `field` is `expected` in one schema and `actual` in the other.

    `attribute` is a `FieldSchema` attribute name (`items.<name>` inside array items),
    `"present"` for a field only one side has, or `"order"` for a field whose position
    differs (values are the positions among the fields both sides have).
    """

    field: str
    attribute: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        if self.attribute == "present":
            side = "missing" if self.expected else "unexpected"
            return f"{self.field}: {side} field"
        return f"{self.field}.{self.attribute}: expected {self.expected!r}, got {self.actual!r}"


# --------------------------------------------------------------------------- locating Input


def input_fields(
    openapi_doc: JsonDict,
    component_name: str | None = "Input",
    *,
    route: str | None = None,
) -> dict[str, FieldSchema]:
    """The normalised fields of a Cog or fal OpenAPI document's input object, in order.

    Lookup order: the request body of `route` (POST) when given; the component
    `component_name` (Cog's `Input` / `TrainingInput`, or a fal model of that name); the request
    body of fal's `/` POST route, for apps whose input model has another name. `KeyError` says
    what the document has instead.
    """
    components = _components(openapi_doc)
    if route is not None:
        schema = _request_body_schema(openapi_doc, route)
        if schema is None:
            raise KeyError(f"no JSON request body for POST {route}; routes: {_routes(openapi_doc)}")
    elif component_name is not None and component_name in components:
        schema = components[component_name]
    else:
        schema = _request_body_schema(openapi_doc, "/")
        if schema is None:
            raise KeyError(
                f"no component {component_name!r} and no POST / request body; "
                f"components: {sorted(components)}, routes: {_routes(openapi_doc)}"
            )
    return normalise_object(_resolve(schema, components), components)


def _components(doc: JsonDict) -> JsonDict:
    return doc.get("components", {}).get("schemas", {})


def _routes(doc: JsonDict) -> list[str]:
    return sorted(doc.get("paths", {}))


def _request_body_schema(doc: JsonDict, route: str) -> JsonDict | None:
    post = doc.get("paths", {}).get(route, {}).get("post", {})
    content = post.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


# --------------------------------------------------------------------------- normalising


def normalise_object(schema: JsonDict, components: JsonDict) -> dict[str, FieldSchema]:
    """Fields of an object schema, ordered as the dialect says (`x-order` / fal's list)."""
    properties: JsonDict = schema.get("properties", {})
    required = set(schema.get("required", ()))
    return {
        name: field_schema(properties[name], components, required=name in required)
        for name in _field_order(schema)
    }


def _field_order(schema: JsonDict) -> list[str]:
    """Declared field order: fal's explicit list, else Cog's `x-order`, else key order."""
    properties: JsonDict = schema.get("properties", {})
    fal_order = [n for n in schema.get("x-fal-order-properties", ()) if n in properties]
    if fal_order:
        return fal_order + [n for n in properties if n not in fal_order]
    names = list(properties)
    if names and all("x-order" in properties[n] for n in names):
        return sorted(names, key=lambda n: properties[n]["x-order"])
    return names


def field_schema(prop: JsonDict, components: JsonDict, *, required: bool = False) -> FieldSchema:
    """One property schema of either dialect, normalised (see the module docstring)."""
    merged = _flatten(prop, components)
    items = merged.get("items")
    return FieldSchema(
        type=merged.get("type"),
        format=merged.get("format"),
        items=field_schema(items, components) if isinstance(items, Mapping) else None,
        required=required,
        default=_default(merged),
        minimum=_number(merged.get("minimum")),
        maximum=_number(merged.get("maximum")),
        min_length=merged.get("minLength"),
        max_length=merged.get("maxLength"),
        pattern=merged.get("pattern"),
        enum=_freeze(merged["enum"]) if "enum" in merged else None,
        description=merged.get("description"),
        deprecated=bool(merged.get("deprecated", False)),
    )


# Keys a referenced component contributes. Its description ("An enumeration." for Cog's
# choice enums, the docstring for fal media models) and title describe the component, not
# the field, and are never taken.
_SHAPE_KEYS = ("type", "format", "enum", "items", "minimum", "maximum", "minLength",
               "maxLength", "pattern")


def _flatten(prop: JsonDict, components: JsonDict) -> dict[str, Any]:
    """Fold `$ref`, single-entry `allOf` and nullable `anyOf` into one flat schema dict.

    The property's own keys (default, description, bounds) win over what the referenced or
    wrapped schema says, as in JSON Schema's sibling-of-`$ref` usage by both dialects.
    """
    own = {k: v for k, v in prop.items() if k not in ("$ref", "allOf", "anyOf", "oneOf")}
    inner = _inner_schema(prop, components)
    if inner is None:
        return own
    merged = {k: v for k, v in inner.items() if k in _SHAPE_KEYS}
    merged.update(own)
    return merged


def _inner_schema(prop: JsonDict, components: JsonDict) -> dict[str, Any] | None:
    """The schema a wrapper points at, already flattened; None when `prop` is not a wrapper."""
    if "$ref" in prop:
        return _referenced(prop["$ref"], components)
    for key in ("allOf", "anyOf", "oneOf"):
        branches = [b for b in prop.get(key, ()) if b.get("type") != "null"]
        if not branches:
            continue
        flat = [_flatten(b, components) for b in branches]
        if len(flat) == 1:
            return flat[0]
        if key == "allOf":
            combined: dict[str, Any] = {}
            for branch in flat:
                combined.update(branch)
            return combined
        return {"type": "|".join(sorted({str(b.get("type")) for b in flat}))}
    return None


def _referenced(ref: str, components: JsonDict) -> dict[str, Any]:
    """A `#/components/schemas/X` target, with fal media objects read as Cog's URI strings."""
    name = ref.rsplit("/", 1)[-1]
    target = components.get(name)
    if target is None:
        raise KeyError(f"unresolved reference {ref}")
    if _is_fal_file(target):
        return {"type": "string", "format": "uri"}
    return _flatten(target, components)


def _is_fal_file(schema: JsonDict) -> bool:
    """fal's `File` / `Image` / ... input objects: the client sends a URL for them."""
    props = schema.get("properties", {})
    return schema.get("type") == "object" and "url" in props and "content_type" in props


def _resolve(schema: JsonDict, components: JsonDict) -> JsonDict:
    """Follow a top-level `$ref` (fal request bodies point at their input model)."""
    seen = set()
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen or name not in components:
            raise KeyError(f"unresolved reference {schema['$ref']}")
        seen.add(name)
        schema = components[name]
    return schema


def _default(schema: JsonDict) -> Any:
    """The published default; an explicit `null` counts as none (see the module docstring)."""
    if "default" not in schema or schema["default"] is None:
        return NO_DEFAULT
    if schema.get("format") == "password":
        return MASK
    return _freeze(schema["default"])


def _number(value: Any) -> int | float | None:
    """Integral floats become ints, so `minimum: 1.0` (Cog) equals `minimum: 1` (fal)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _freeze(value: Any) -> Any:
    """JSON value → immutable, numbers normalised; lists become tuples, objects sorted pairs."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(k), _freeze(v)) for k, v in value.items()))
    if isinstance(value, Iterable):
        return tuple(_freeze(v) for v in value)
    return value


# --------------------------------------------------------------------------- comparing

_COMPARED = tuple(f.name for f in fields(FieldSchema) if f.name != "items")


def compare_fields(
    expected: Mapping[str, FieldSchema], actual: Mapping[str, FieldSchema]
) -> list[Difference]:
    """Every difference between two normalised inputs: presence, attributes, then order."""
    differences: list[Difference] = []
    for name in expected:
        if name not in actual:
            differences.append(Difference(name, "present", True, False))
        else:
            differences.extend(_compare_one(name, "", expected[name], actual[name]))
    differences.extend(Difference(n, "present", False, True) for n in actual if n not in expected)
    differences.extend(_order_differences(list(expected), list(actual)))
    return differences


def _compare_one(name: str, prefix: str, exp: FieldSchema, act: FieldSchema) -> list[Difference]:
    found = [
        Difference(name, prefix + attr, getattr(exp, attr), getattr(act, attr))
        for attr in _COMPARED
        if not _same_value(getattr(exp, attr), getattr(act, attr))
    ]
    if exp.items is None or act.items is None:
        if exp.items is not act.items:
            found.append(Difference(name, prefix + "items", exp.items, act.items))
    else:
        found.extend(_compare_one(name, prefix + "items.", exp.items, act.items))
    return found


def _same_value(a: Any, b: Any) -> bool:
    """Equality for JSON-ish values where 1 == 1.0 but booleans are not numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    if a is None or b is None or a is NO_DEFAULT or b is NO_DEFAULT:
        return a is b
    return type(a) is type(b) and a == b


def _order_differences(expected: list[str], actual: list[str]) -> list[Difference]:
    """Fields both sides have but in another relative order.

    Reports the fields outside a longest common subsequence, i.e. the fewest fields that
    moved, with their positions among the shared fields, so one moved field is one entry.
    """
    shared = set(expected) & set(actual)
    exp = [n for n in expected if n in shared]
    act = [n for n in actual if n in shared]
    if exp == act:
        return []
    keep = _longest_common_subsequence(exp, act)
    return [
        Difference(name, "order", exp.index(name), act.index(name))
        for name in exp
        if name not in keep
    ]


def _longest_common_subsequence(a: list[str], b: list[str]) -> set[str]:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    result: set[str] = set()
    i, j = len(a), len(b)
    while i and j:
        if a[i - 1] == b[j - 1]:
            result.add(a[i - 1])
            i, j = i - 1, j - 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return result
