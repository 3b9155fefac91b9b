"""A cog.yaml written from an image's config label, for images whose /src has none.

The label is Cog's normalised config (see docs/images.md): defaults filled in, `build.run`
items as `{command, mounts}` objects, the v0.20+ top-level `run:` written as `predict`. All of
that is valid cog.yaml, so the values are written as they are; only empty values that Go's
JSON encoder spells `null` are left out, as Cog reads a missing key and a null alike.
"""

from __future__ import annotations

from typing import Any

import yaml

HEADER = "# Rebuilt by cog2fal from the image's {label} label: Cog's normalised config.\n"


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value if v is not None]
    return value


def cog_yaml_text(config: dict[str, Any], label: str) -> str:
    """cog.yaml text with the config's keys in the order Cog wrote them."""
    body = yaml.safe_dump(_without_nulls(config), sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=100)
    return HEADER.format(label=label) + body
