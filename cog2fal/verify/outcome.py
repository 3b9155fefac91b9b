"""What one server answered to one request: an output, or a failure with its kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    ok: bool
    value: Any = None  # the output, in the shape the platform returns it
    status: int = 200  # HTTP status
    error: str | None = None
    invalid_input: bool = False  # rejected by input validation (422), not failed while running

    @classmethod
    def success(cls, value: Any) -> Outcome:
        return cls(True, value)

    @classmethod
    def failure(cls, status: int, error: str, *, invalid_input: bool = False) -> Outcome:
        return cls(False, None, status, error, invalid_input)

    @property
    def kind(self) -> str:
        if self.ok:
            return "succeeded"
        return "rejected input (422)" if self.invalid_input else "failed"


def validation_detail(body: Any) -> str:
    """FastAPI-style `{"detail": [{"loc": [...], "msg": ...}]}` as `field: message; ...`."""
    if isinstance(body, dict) and isinstance(body.get("detail"), list):
        parts = []
        for item in body["detail"]:
            if not isinstance(item, dict):
                continue
            loc = [str(p) for p in item.get("loc", []) if p not in ("body", "input")]
            parts.append(f"{'.'.join(loc) or 'input'}: {item.get('msg')}")
        return "; ".join(parts)
    if isinstance(body, dict) and "detail" in body:
        return str(body["detail"])[:2000]
    return str(body)[:2000]
