"""Replicate model references → fal app ids: `--map FILE` first, then `--fal-owner TEAM`.

The map is TOML, one entry per Replicate model, version id or deployment:

    [models]
    "stability-ai/sdxl" = "acme/sdxl"
    "meta/llama-2-7b-chat" = { app = "acme/llama", path = "/stream" }
    "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b" = "acme/sdxl"

With `--fal-owner TEAM`, `owner/name[:version]` becomes `TEAM/<name>`, the app name `cog2fal
convert` gives the model's Cog project (`image: r8.im/owner/name`).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from cog2fal.errors import CogProjectError
from cog2fal.naming import app_name_from_image

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, before it joined the standard library
    import tomli as tomllib

_MODEL = re.compile(r"^(?:[\w.-]+/)+[\w.-]+(?::[\w.-]+)?$")
_VERSION_ID = re.compile(r"^[0-9a-f]{32,64}$")


@dataclass(frozen=True)
class Target:
    """Where a reference goes on fal: the app id, and an endpoint path when the map names one."""

    app: str
    path: str = ""


@dataclass
class ModelMap:
    entries: dict[str, Target]
    fal_owner: str | None = None

    def target(self, ref: str) -> Target | None:
        """The fal app for `owner/name`, `owner/name:version` or a bare version id; None when
        neither the map nor `--fal-owner` can name it."""
        ref = ref.strip()
        model, _, version = ref.partition(":")
        for key in (ref, model, version):
            if key and key in self.entries:
                return self.entries[key]
        if self.fal_owner and _MODEL.match(ref) and not _VERSION_ID.match(ref):
            return Target(f"{self.fal_owner}/{app_name_from_image(model)}")
        return None

    @property
    def apps(self) -> set[str]:
        return {target.app for target in self.entries.values()}


def is_model_reference(text: str) -> bool:
    return bool(_MODEL.match(text) or _VERSION_ID.match(text))


def load_map(path: Path | None, fal_owner: str | None) -> ModelMap:
    if fal_owner is not None and not re.match(r"^[\w.-]+$", fal_owner):
        raise CogProjectError(f"--fal-owner `{fal_owner}` is not a fal user or team name")
    if path is None:
        return ModelMap({}, fal_owner)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CogProjectError(f"cannot read the map: {exc.strerror}", path) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise CogProjectError(f"not a TOML map: {exc}", path, int(line.group(1)) if line else 1) from None
    models = data.get("models", {})
    if not isinstance(models, dict):
        raise CogProjectError("`models` must be a table of `\"owner/name\" = \"team/app\"` entries", path)
    entries = {}
    for ref, value in models.items():
        if isinstance(value, str):
            entries[ref] = Target(value)
        elif isinstance(value, dict) and isinstance(value.get("app"), str) and \
                isinstance(value.get("path", ""), str):
            entries[ref] = Target(value["app"], value.get("path", ""))
        else:
            raise CogProjectError(f"models.\"{ref}\": give the fal app id as a string or "
                                  f"{{ app = \"team/app\", path = \"/stream\" }}", path)
        if not re.match(r"^[\w.-]+/[\w./-]+$", entries[ref].app):
            raise CogProjectError(
                f"models.\"{ref}\": `{entries[ref].app}` is not a fal app id (team/app)", path)
    return ModelMap(entries, fal_owner)
