"""What cog2fal shows of a secret: never its value.

A `Secret` input's default is shown as Cog's mask, `**********` (what `str()` of a Secret and
Cog's pydantic-1 schemas show). A cog.yaml `environment` value is masked when its name says it
holds a secret: a `_`-separated part of the name is TOKEN, KEY, SECRET, PASSWORD, CREDENTIALS…
(`HF_TOKEN`, `AWS_SECRET_ACCESS_KEY`, but not `KEYBOARD`); other values are shown, with the
user-info of any URL in them masked. The generated app still gets the real values.
"""

from __future__ import annotations

import re
from typing import Any

from cog2fal.project import MISSING, InputField, TypeRef

MASK = "**********"
_SECRET_PARTS = {"TOKEN", "TOKENS", "KEY", "KEYS", "APIKEY", "SECRET", "SECRETS", "PASSWORD",
                 "PASSWD", "PWD", "PASS", "CREDENTIAL", "CREDENTIALS", "AUTH", "COOKIE", "PRIVATE"}
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")


def is_secret_type(type_ref: TypeRef) -> bool:
    return type_ref.kind == "secret" or any(is_secret_type(arg) for arg in type_ref.args)


def shown_default(spec: InputField) -> Any:
    """The default as reports show it: masked for a Secret input (None and MISSING stay)."""
    if spec.default is MISSING or spec.default is None or not is_secret_type(spec.type):
        return spec.default
    return MASK


def secret_name(name: str) -> bool:
    return any(part in _SECRET_PARTS for part in re.split(r"[_\W]+", name.upper()))


def shown_value(name: str, value: str) -> str:
    if secret_name(name):
        return MASK if value else value
    return _USERINFO.sub(lambda match: f"{match.group('scheme')}***@", value)


def shown_environment(environment: dict[str, str]) -> dict[str, str]:
    return {name: shown_value(name, value) for name, value in environment.items()}
