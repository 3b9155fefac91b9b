"""What a Cog image says about itself in its labels, for every era of Cog.

`run.cog.*` labels since Cog 0.8.6; `org.cogmodel.*` names of the same values up to 0.9.4
(Cog's own readers still fall back to `org.cogmodel.config`). The config label holds Cog's
normalised config as JSON, the schema label the OpenAPI document Replicate served.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cog2fal.errors import CogProjectError

CONFIG_LABELS = ("run.cog.config", "org.cogmodel.config")
SCHEMA_LABELS = ("run.cog.openapi_schema", "org.cogmodel.openapi_schema")
VERSION_LABELS = ("run.cog.version", "org.cogmodel.cog_version")


@dataclass(frozen=True)
class CogLabels:
    config: dict[str, Any]
    config_label: str
    schema: dict[str, Any] | None
    schema_label: str | None
    cog_version: str | None


def _first(labels: Mapping[str, str], names: tuple[str, ...]) -> tuple[str, str] | None:
    for name in names:
        value = labels.get(name)
        if value and value.strip():
            return name, value
    return None


def _json_object(text: str, label: str, image: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CogProjectError(f"label {label} is not JSON ({exc.msg} at character {exc.pos})",
                              image) from None
    if not isinstance(value, dict):
        raise CogProjectError(f"label {label} is not a JSON object", image)
    return value


def read_labels(labels: Mapping[str, str] | None, image: str) -> CogLabels:
    """The Cog labels of an image; an image without a config label is not a Cog image."""
    labels = labels or {}
    config = _first(labels, CONFIG_LABELS)
    if config is None:
        raise CogProjectError(
            f"not a Cog image: no {' or '.join(CONFIG_LABELS)} label (Cog writes it on every "
            "image it builds)", image)
    schema = _first(labels, SCHEMA_LABELS)
    version = _first(labels, VERSION_LABELS)
    return CogLabels(
        config=_json_object(config[1], config[0], image),
        config_label=config[0],
        schema=_json_object(schema[1], schema[0], image) if schema else None,
        schema_label=schema[0] if schema else None,
        cog_version=version[1].strip() if version else None,
    )
