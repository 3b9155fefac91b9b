"""An example request body built from a predictor's inputs, for the calling snippets of
MIGRATION.md: what a caller would send first to see the model work.

Every required input gets a value (its first choice, a placeholder URL for a file, a bound or a
neutral value for a number), every input with a literal default gets that default, so the body
documents the defaults as Replicate's API page does. Inputs whose default is computed in the
model's code, `None` defaults and deprecated inputs are left out.
"""

from __future__ import annotations

from typing import Any

from cog2fal.project import MISSING, Entrypoint, InputField, TypeRef
from cog2fal.reporting.masking import shown_default

PLACEHOLDER_HOST = "https://example.com"
_EXTENSIONS = (  # a placeholder file name that says what kind of file the input expects
    (("image", "img", "photo", "picture", "mask", "frame"), ".png"),
    (("audio", "voice", "speech", "sound", "song", "music", "wav"), ".wav"),
    (("video", "clip", "movie"), ".mp4"),
    (("text", "lyrics", "txt", "prompt"), ".txt"),
    (("weights", "lora", "checkpoint", "model"), ".safetensors"),
    (("archive", "zip", "dataset", "data"), ".zip"),
)


def example_input(entry: Entrypoint) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for spec in entry.inputs:
        if spec.deprecated:
            continue
        value = _value(spec)
        if value is not MISSING:
            body[spec.name] = value
    return body


def _value(spec: InputField) -> Any:
    if spec.default is not MISSING:
        return MISSING if spec.default is None else shown_default(spec)
    if not spec.required:
        return MISSING
    if spec.choices:
        return spec.choices[0]
    return _placeholder(spec, spec.type)


def _placeholder(spec: InputField, kind: TypeRef) -> Any:
    match kind.kind:
        case "path" | "file":
            return placeholder_url(spec.name)
        case "optional":
            return _placeholder(spec, kind.inner)
        case "list":
            return [_placeholder(spec, kind.inner)] if kind.inner.kind in ("path", "file", "str") else []
        case "int" | "float":
            low, high = spec.ge, spec.le
            number = low if low is not None else (high if high is not None and high < 0 else 0)
            return int(number) if kind.kind == "int" else float(number)
        case "bool":
            return False
        case "dict" | "any" | "model":
            return {}
        case _:  # str, secret, unions and what cog2fal could not resolve: a string says what to put
            return f"your {spec.name.replace('_', ' ')}"


def placeholder_url(name: str) -> str:
    lowered = name.lower()
    extension = next((ext for words, ext in _EXTENSIONS if any(w in lowered for w in words)), "")
    return f"{PLACEHOLDER_HOST}/{name}{extension}"
