"""Subprocess entry: Cog's own view of a predictor's inputs and output, as JSON.

    python -m cog2fal.verify.cog_inspector FILE CLASS_OR_FUNCTION     (in the project copy)

Run by `cog_schema.inspect_predictor`, never imported by the verify process itself. It imports
the predictor the way Cog's runtime does and asks Cog's inspector
(`cog._inspector.create_predictor`) for every input: type, default, description, bounds,
lengths, regex, choices, deprecated; and for the output type. One line on stdout,
`COG2FAL-SCHEMA {json}`, says what it found or why it could not (with the missing module).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
import warnings
from typing import Any

from cog2fal.verify.import_errors import missing_module


def _encode(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        pass
    if hasattr(value, "get_secret_value"):
        return value.get_secret_value()
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return str(value)


def _inspect(file: str, name: str) -> dict[str, Any]:
    import cog._inspector as inspector
    from cog import _adt as adt

    module_name = file[:-3].replace("/", ".") if file.endswith(".py") else file
    module_name = module_name.rsplit(".", 1)[-1]
    spec = importlib.util.spec_from_file_location(module_name, file)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[module_name] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    info = inspector.create_predictor(module_name, name)
    inputs = []
    for item in sorted(info.inputs.values(), key=lambda i: i.order):
        kind = item.type
        optional = kind.repetition in (adt.Repetition.OPTIONAL, adt.Repetition.OPTIONAL_REPEATED)
        inputs.append({
            "name": item.name, "order": item.order, "schema": kind.json_type(),
            "optional": optional, "secret": kind.primitive is adt.PrimitiveType.SECRET,
            "enum_type": kind.primitive.json_type().get("type"),
            "default": None if item.default is None else _encode(kind.json_encode(item.default)),
            "description": item.description, "ge": item.ge, "le": item.le,
            "min_length": item.min_length, "max_length": item.max_length, "regex": item.regex,
            "choices": _encode(item.choices), "deprecated": item.deprecated,
        })
    try:
        output = info.output.json_type()
    except Exception:
        output = {"title": "Output"}
    return {"ok": True, "inputs": inputs, "output": output}


def main() -> None:
    warnings.simplefilter("ignore")
    sys.path.insert(0, ".")
    file, name = sys.argv[1], sys.argv[2]
    try:
        result = _inspect(file, name)
    except BaseException as exc:  # the model's own import or setup may raise anything
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}", "missing_module": missing_module(exc),
                  "traceback": traceback.format_exc()[-4000:]}
    print("COG2FAL-SCHEMA " + json.dumps(result))


if __name__ == "__main__":
    main()
