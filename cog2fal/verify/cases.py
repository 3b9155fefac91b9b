"""The requests verify sends to both servers: `--case` files, or cases made from the schema.

A case file holds one JSON object: the inputs (`{"prompt": "cat"}`), or a Cog request body
(`{"input": {"prompt": "cat"}}`, unwrapped unless the model has an input named `input`). A file
input given as a path (relative to the case file) instead of a URL is sent as a `data:` URL.

Without `--case`, cases come from Cog's Input schema (heuristics, documented in docs/verify.md):

- `defaults`: only the required inputs, so both sides apply their own defaults to the rest;
- `alternatives`: every optional input moved off its default, when some can be: the next
  choice, the other boolean, an integer one step away within its bounds, a number a tenth of
  the way to its farther bound (half the default when unbounded). Free text, files and inputs
  whose default is null keep their defaults.

Required inputs get: the first choice; a number within `minimum`/`maximum` (integers the
lower bound, since they are often step counts, numbers the middle); `true` for booleans; a
short text fitted to the length limits and `pattern`; a one-item list; and for files a small
generated `data:` URL picked by the input's name, description and `x-cog-accept`: a 16×12 PNG
for image-like inputs, a quarter-second WAV for audio-like ones, a line of text otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cog2fal.errors import CogProjectError
from cog2fal.verify import media

IMAGE_WORDS = {"image", "images", "img", "photo", "photos", "picture", "pic", "mask", "frame",
               "sketch", "face", "portrait", "thumbnail", "logo", "style", "png", "jpg", "jpeg"}
AUDIO_WORDS = {"audio", "wav", "sound", "speech", "voice", "music", "song", "speaker", "vocal",
               "vocals", "melody", "mp3", "recording"}
TEXT_SAMPLE = "hello from cog2fal verify"
_TEXT_CANDIDATES = ("hello from cog2fal verify", "hello", "a", "A", "1", "0.5", "abc", "a cat",
                    "test", "x", "0", "2024-01-01", "#ffffff", "en")


class CaseError(Exception):
    """No sensible value for a required input: the user must pass `--case`."""


@dataclass
class Case:
    name: str
    inputs: dict[str, Any]
    source: str  # the case file, or "generated"

    def summary(self, limit: int = 60) -> dict[str, Any]:
        return {k: _short(v, limit) for k, v in self.inputs.items()}


def _short(value: Any, limit: int) -> Any:
    if isinstance(value, str) and len(value) > limit:
        head = value[: limit - 20]
        return f"{head}…<{len(value)} chars>"
    if isinstance(value, list):
        return [_short(v, limit) for v in value]
    return value


# ----------------------------------------------------------------------------- case files


def read_case_files(paths: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """Reads and checks every case file; done before any server starts, so errors come fast."""
    return [(path, _read(path)) for path in paths]


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CogProjectError(f"cannot read the case file: {exc.strerror or exc}", path) from None
    except json.JSONDecodeError as exc:
        raise CogProjectError(f"not valid JSON: {exc.msg}", path, exc.lineno) from None
    except UnicodeDecodeError:
        raise CogProjectError("the case file is not UTF-8 text", path) from None
    if not isinstance(data, dict):
        raise CogProjectError("a case must be a JSON object of inputs, or {\"input\": {...}}", path)
    return data


def load_case_files(paths: list[Path] | list[tuple[Path, dict[str, Any]]],
                    input_schema: Mapping[str, Any]) -> list[Case]:
    """Cases from files (or already read files), named after them, duplicates numbered."""
    cases: list[Case] = []
    names: set[str] = set()
    for item in paths:
        path, data = item if isinstance(item, tuple) else (item, _read(item))
        case = make_case(path, data, input_schema)
        base, n = case.name, 2
        while case.name in names:
            case.name = f"{base}-{n}"
            n += 1
        names.add(case.name)
        cases.append(case)
    return cases


def make_case(path: Path, data: dict[str, Any], input_schema: Mapping[str, Any]) -> Case:
    properties = input_schema.get("properties", {})
    if set(data) == {"input"} and isinstance(data["input"], dict) and "input" not in properties:
        data = data["input"]
    inputs = {name: _local_files(value, properties.get(name, {}), path.parent)
              for name, value in data.items()}
    return Case(path.stem, inputs, str(path))


def _local_files(value: Any, prop: Mapping[str, Any], base: Path) -> Any:
    if isinstance(value, list):
        items = prop.get("items", {}) if prop.get("type") == "array" else prop
        return [_local_files(v, items, base) for v in value]
    if prop.get("format") != "uri" or not isinstance(value, str):
        return value
    if value.startswith(("http://", "https://", "data:")):
        return value
    path = Path(value).expanduser()
    path = path if path.is_absolute() else base / path
    return media.file_data_url(path) if path.is_file() else value


# ----------------------------------------------------------------------------- generated cases


def generate_cases(input_schema: Mapping[str, Any], components: Mapping[str, Any]) -> list[Case]:
    """`defaults` and, when some optional input can be moved, `alternatives` (module doc)."""
    properties: Mapping[str, Any] = input_schema.get("properties", {})
    required = list(input_schema.get("required", []))
    base: dict[str, Any] = {}
    for name in _ordered(properties):
        if name in required:
            base[name] = required_value(name, _flat(properties[name], components))
    cases = [Case("defaults", dict(base), "generated")]
    alternatives = dict(base)
    for name in _ordered(properties):
        if name in required:
            continue
        value = alternative_value(_flat(properties[name], components))
        if value is not _KEEP:
            alternatives[name] = value
    if alternatives != base:
        cases.append(Case("alternatives", alternatives, "generated"))
    return cases


def _ordered(properties: Mapping[str, Any]) -> list[str]:
    return sorted(properties, key=lambda n: properties[n].get("x-order", 0))


def _flat(prop: Mapping[str, Any], components: Mapping[str, Any]) -> dict[str, Any]:
    """A property with its `allOf`/`$ref` enum folded in (Cog's choices)."""
    flat = {k: v for k, v in prop.items() if k != "allOf"}
    for branch in prop.get("allOf", []):
        ref = branch.get("$ref", "")
        target = components.get(ref.rsplit("/", 1)[-1], {}) if ref else branch
        for key in ("type", "enum", "format", "items"):
            if key in target and key not in flat:
                flat[key] = target[key]
    if "anyOf" in prop and "type" not in flat:
        branches = [b for b in prop["anyOf"] if b.get("type") != "null"]
        if branches:
            flat.update({k: v for k, v in branches[0].items() if k not in flat})
    return flat


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


_KEEP: Any = _Keep()


def required_value(name: str, prop: Mapping[str, Any]) -> Any:
    if prop.get("examples"):
        return prop["examples"][0]
    if "default" in prop and prop["default"] is not None:
        return prop["default"]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    if kind == "array":
        return [required_value(name, prop.get("items", {}))]
    if kind == "boolean":
        return True
    if kind == "integer":
        low, high = prop.get("minimum"), prop.get("maximum")
        if low is not None:
            return int(-(-low // 1))
        return min(int(high // 1), 1) if high is not None else 1
    if kind == "number":
        low, high = prop.get("minimum"), prop.get("maximum")
        if low is not None and high is not None:
            return (low + high) / 2
        if low is not None:
            return low + 0.5
        return min(high, 0.5) if high is not None else 0.5
    if kind == "object":
        return {}
    if kind == "string" and prop.get("format") == "uri":
        return sample_file(name, prop)
    if kind == "string" and prop.get("format") == "password":
        return "cog2fal-verify-secret"
    if kind in ("string", None):
        return _text(name, prop)
    raise CaseError(f"no value can be generated for required input `{name}` ({kind})")


def _text(name: str, prop: Mapping[str, Any]) -> str:
    low, high = prop.get("minLength") or 0, prop.get("maxLength")
    pattern = prop.get("pattern")
    for candidate in _TEXT_CANDIDATES:
        text = candidate
        if high is not None:
            text = text[:high]
        if len(text) < low:
            text = (text + " " + TEXT_SAMPLE * (low // len(TEXT_SAMPLE) + 1))[:low]
        if pattern is None:
            return text
        try:
            if re.search(pattern, text):
                return text
        except re.error:
            break
    raise CaseError(f"no text matching pattern {pattern!r} can be generated for required input "
                    f"`{name}`")


def sample_file(name: str, prop: Mapping[str, Any]) -> str:
    """A small `data:` URL fitting what the input's name, description and accept suggest."""
    accept = str(prop.get("x-cog-accept", "")).lower()
    words = set(re.findall(r"[a-z0-9]+", _split_camel(name).lower().replace("_", " ")))
    described = set(re.findall(r"[a-z0-9]+", str(prop.get("description", "")).lower()))
    if accept.startswith("image") or words & IMAGE_WORDS:
        return media.data_url(media.tiny_png(), "image/png")
    if accept.startswith("audio") or words & AUDIO_WORDS:
        return media.data_url(media.tiny_wav(), "audio/wav")
    if described & IMAGE_WORDS:
        return media.data_url(media.tiny_png(), "image/png")
    if described & AUDIO_WORDS:
        return media.data_url(media.tiny_wav(), "audio/wav")
    return media.data_url((TEXT_SAMPLE + "\n").encode(), "text/plain")


def _split_camel(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


def alternative_value(prop: Mapping[str, Any]) -> Any:
    default = prop.get("default")
    if default is None:
        return _KEEP
    if prop.get("enum"):
        choices = list(prop["enum"])
        if default in choices and len(choices) > 1:
            return choices[(choices.index(default) + 1) % len(choices)]
        return _KEEP
    kind = prop.get("type")
    low, high = prop.get("minimum"), prop.get("maximum")
    if kind == "boolean" and isinstance(default, bool):
        return not default
    if kind == "integer" and isinstance(default, int) and not isinstance(default, bool):
        for candidate in (default + 1, default - 1):
            if (low is None or candidate >= low) and (high is None or candidate <= high):
                return candidate
        return _KEEP
    if kind == "number" and isinstance(default, (int, float)) and not isinstance(default, bool):
        if low is None and high is None:
            return default * 0.5 if default else 0.5
        up = (high - default) if high is not None else -1
        down = (default - low) if low is not None else -1
        target = high if up >= down else low
        value = default + (target - default) / 10
        return value if value != default else _KEEP
    return _KEEP
