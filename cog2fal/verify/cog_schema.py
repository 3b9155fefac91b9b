"""The OpenAPI schema Cog publishes for the original predictor, made with Cog's own code.

Cog 0.20+ writes `.cog/openapi_schema.json` at `cog build` time with its Go CLI, and Cog's
runtime (coglet) validates every request against that file; without it there is no validation
at all (crates/coglet-python/src/input.rs in https://github.com/replicate/cog). verify has no Go
CLI, so it builds the file itself:

1. Cog's own inspector (`cog._inspector.create_predictor`, the code the runtime uses to call
   `predict()`) is run on the project copy in a subprocess of this interpreter
   (cog_inspector.py). It imports the predictor, so a missing dependency shows up here first,
   and it yields Cog's view of every input: type, default, description, bounds, lengths, regex,
   choices, deprecated, and the output type. This is independent of cog2fal's own static
   analysis, so the schema comparison really checks the converter.
2. Those facts are assembled in the shape of Cog 0.20+'s generator (`buildInputSchema`,
   pkg/schema/ in https://github.com/replicate/cog):
   `x-order`, titles, choices as an `allOf`/`$ref` enum component, `nullable` + `default:
   null` for Optional, `format: uri` for files, the Secret fields, `required`.

One fact the inspector cannot see is whether a non-Optional input was declared `Input()` or
`Input(default=None)` (both have the default None at run time). Cog 0.20+ requires both;
Replicate treated the second as optional for models built before Cog 0.17, and cog2fal keeps
that meaning (docs/mapping.md). verify takes the declaration from cog2fal's static reading of the
source and publishes such a field as optional with a note, so the Cog server does not reject
requests that leave it out, exactly as Replicate would not have.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cog2fal.project import Entrypoint


class CogInspectionError(RuntimeError):
    def __init__(self, message: str, missing_module: str | None, details: str):
        super().__init__(message)
        self.missing_module = missing_module
        self.details = details


@dataclass
class CogSchema:
    document: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def input(self) -> dict[str, Any]:
        return self.document["components"]["schemas"]["Input"]

    @property
    def output(self) -> dict[str, Any]:
        return self.document["components"]["schemas"]["Output"]

    @property
    def output_is_object(self) -> bool:
        """A BaseModel output: responses carry its fields, not `{"output": ...}`."""
        return self.output.get("type") == "object" and "properties" in self.output

    @property
    def output_is_iterator(self) -> bool:
        return self.output.get("x-cog-array-type") == "iterator"

    def write(self, project_copy: Path) -> Path:
        target = project_copy / ".cog" / "openapi_schema.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(self.document, indent=2) + "\n", encoding="utf-8")
        return target


def inspect_predictor(project_copy: Path, predictor_ref: str, env: dict[str, str],
                      timeout: float) -> dict[str, Any]:
    """Runs Cog's inspector on the copy; raises `CogInspectionError` when it cannot."""
    file, _, name = predictor_ref.partition(":")
    try:
        done = subprocess.run([sys.executable, "-m", "cog2fal.verify.cog_inspector", file, name],
                              cwd=project_copy, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout,
                              start_new_session=True)
    except subprocess.TimeoutExpired as exc:
        raise CogInspectionError(f"importing the predictor took longer than {timeout:.0f} s", None,
                                 "") from exc
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("COG2FAL-SCHEMA "):
            result = json.loads(line.removeprefix("COG2FAL-SCHEMA "))
            break
    else:
        raise CogInspectionError(f"Cog's inspector exited with status {done.returncode}", None,
                                 (done.stdout + done.stderr)[-4000:])
    if not result["ok"]:
        raise CogInspectionError(result["error"], result.get("missing_module"), result["traceback"])
    return result


def build_schema(facts: dict[str, Any], entry: Entrypoint | None = None,
                 cog_version: str = "0.23.1") -> CogSchema:
    """Cog 0.20+'s OpenAPI document from the inspector's facts (see the module docstring)."""
    declared = {spec.name: spec for spec in entry.inputs} if entry is not None else {}
    properties: dict[str, Any] = {}
    components: dict[str, Any] = {}
    required: list[str] = []
    notes: list[str] = []
    for item in facts["inputs"]:
        name = item["name"]
        prop: dict[str, Any] = {"x-order": item["order"]}
        if item["choices"] is not None:
            prop["allOf"] = [{"$ref": f"#/components/schemas/{name}"}]
            components[name] = {"title": name, "description": "An enumeration.",
                                "enum": item["choices"], "type": item["enum_type"]}
        else:
            prop["title"] = name.replace("_", " ").title()
            prop.update(item["schema"])
        optional = item["optional"]
        none_default = item["default"] is None
        if not none_default:
            prop["default"] = item["default"]
        elif optional or item["secret"]:
            prop["default"] = None
        if optional or (item["secret"] and none_default):
            prop["nullable"] = True
        if item["description"] is not None:
            prop["description"] = item["description"]
        for key, schema_key in (("ge", "minimum"), ("le", "maximum"), ("min_length", "minLength"),
                                ("max_length", "maxLength"), ("regex", "pattern")):
            if item[key] is not None:
                prop[schema_key] = item[key]
        if item["deprecated"]:
            prop["deprecated"] = True
        if none_default and not optional and not item["secret"]:
            spec = declared.get(name)
            if spec is not None and spec.optional_by_none_default:
                notes.append(f"input `{name}` is declared `Input(default=None)` without Optional: "
                             "published as optional, as Replicate did for models built before "
                             "Cog 0.17 and as cog2fal converts it (Cog 0.20+ would require it)")
            else:
                required.append(name)
        properties[name] = prop
    input_schema: dict[str, Any] = {"title": "Input", "type": "object", "properties": properties}
    if required:
        input_schema["required"] = required
    output = dict(facts["output"])
    output["title"] = "Output"
    document = {
        "openapi": "3.0.2",
        "info": {"title": "Cog", "version": "0.1.0"},
        "x-cog-version": cog_version,
        "x-cog2fal": "built by cog2fal verify from cog._inspector (no Go CLI available)",
        "paths": {
            "/predictions": {"post": {
                "summary": "Predict",
                "requestBody": {"content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/PredictionRequest"}}}},
            }},
        },
        "components": {"schemas": {
            "Input": input_schema,
            "Output": output,
            "PredictionRequest": {"title": "PredictionRequest", "type": "object", "properties": {
                "id": {"title": "Id", "type": "string"},
                "input": {"$ref": "#/components/schemas/Input"}}},
            **components,
        }},
    }
    return CogSchema(document, notes)
