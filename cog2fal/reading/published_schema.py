"""A published Cog OpenAPI schema: the one Replicate served for a model version.

It comes from an image's schema label, or from `--schema FILE`: the document Cog's schema
command prints, or what Replicate's API returns for a version
(`GET /v1/models/{owner}/{name}/versions/{id}` → `{"openapi_schema": {...}, ...}`) or a model
(`latest_version.openapi_schema`). Either shape is accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cog2fal.errors import CogProjectError


@dataclass(frozen=True)
class PublishedSchema:
    document: dict[str, Any]
    source: str  # where it came from, as the findings name it


def _unwrapped(data: dict[str, Any]) -> dict[str, Any] | None:
    """The OpenAPI document inside a Replicate API answer, or the document itself."""
    if "openapi" in data or "components" in data:
        return data
    for holder in (data, data.get("latest_version") or {}):
        inner = holder.get("openapi_schema") if isinstance(holder, dict) else None
        if isinstance(inner, dict):
            return inner
    return None


def published_schema(data: Any, source: str) -> PublishedSchema:
    document = _unwrapped(data) if isinstance(data, dict) else None
    if document is None or "Input" not in document.get("components", {}).get("schemas", {}):
        raise CogProjectError(
            "not a Cog OpenAPI schema: no components.schemas.Input (expected the document Cog "
            "publishes, or Replicate's version JSON with `openapi_schema`)", source)
    return PublishedSchema(document, source)


def read_schema_file(path: Path) -> PublishedSchema:
    """`--schema FILE`: the file's published schema, or a one-line error naming the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CogProjectError(f"cannot read: {exc.strerror or exc}", str(path)) from None
    except UnicodeDecodeError:
        raise CogProjectError("not UTF-8 text", str(path)) from None
    except json.JSONDecodeError as exc:
        raise CogProjectError(f"not JSON: {exc.msg}", str(path), exc.lineno) from None
    return published_schema(data, str(path))
