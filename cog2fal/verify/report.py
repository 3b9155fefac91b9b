"""The result of a verify run: the schema check, one result per case and endpoint, notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cog2fal.verify.cases import Case
from cog2fal.verify.compare import Mismatch, brief
from cog2fal.verify.outcome import Outcome
from cog2fal.verify.schemas import NO_DEFAULT, Difference


class VerifyEnvironmentError(Exception):
    """verify cannot run here (Cog, fal or a model dependency missing): exit 2, one line."""

    def __init__(self, message: str, details: str = ""):
        super().__init__(message)
        self.details = details


def _schema_value(value: Any) -> Any:
    if value is NO_DEFAULT:
        return "<no default>"
    if isinstance(value, tuple):
        return [_schema_value(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return repr(value)
    return value


@dataclass
class SchemaCheck:
    fields: int = 0
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "match" if self.ok else "mismatch",
            "fields": self.fields,
            "differences": [{"field": d.field, "attribute": d.attribute,
                             "cog": _schema_value(d.expected), "fal": _schema_value(d.actual)}
                            for d in self.differences],
            "notes": self.notes,
        }


@dataclass
class CaseResult:
    case: Case
    endpoint: str  # "/" or "/stream"
    cog: Outcome
    fal: Outcome
    mismatches: list[Mismatch] = field(default_factory=list)
    note: str | None = None
    fal_output: Any = None  # fal's answer unwrapped to what Cog's `output` holds

    @property
    def ok(self) -> bool:
        return not any(not m.benign for m in self.mismatches)

    def as_json(self) -> dict[str, Any]:
        def side(outcome: Outcome, output: Any) -> dict[str, Any]:
            data: dict[str, Any] = {"status": outcome.kind, "http_status": outcome.status}
            if outcome.ok:
                data["output"] = brief(output)
            else:
                data["error"] = outcome.error
            return data

        return {
            "case": self.case.name, "source": self.case.source, "endpoint": self.endpoint,
            "status": "match" if self.ok else "mismatch", "inputs": self.case.summary(),
            "differences": [m.as_json() for m in self.mismatches if not m.benign],
            "notes": [m.as_json() for m in self.mismatches if m.benign] + ([self.note] if self.note else []),
            "cog": side(self.cog, self.cog.value), "fal": side(self.fal, self.fal_output),
        }


@dataclass
class Problem:
    """A check that failed before any case could run (the fal app does not load or set up)."""

    what: str
    message: str
    details: str = ""


@dataclass
class Report:
    model_dir: str
    fal_dir: str
    app_file: str = ""
    python: str = ""
    cog_version: str = ""
    fal_version: str = ""
    schema: SchemaCheck | None = None
    problems: list[Problem] = field(default_factory=list)
    results: list[CaseResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    persistent_cache: dict[str, Any] | None = None  # what the app kept on its volume

    @property
    def ok(self) -> bool:
        return (not self.problems and (self.schema is None or self.schema.ok)
                and all(r.ok for r in self.results))

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "match" if self.ok else "mismatch",
            "model_dir": self.model_dir,
            "fal_dir": self.fal_dir,
            "app_file": self.app_file,
            "python": self.python,
            "cog_version": self.cog_version,
            "fal_version": self.fal_version,
            "schema": self.schema.as_json() if self.schema else None,
            "problems": [{"what": p.what, "message": p.message, "details": p.details[-2000:]}
                         for p in self.problems],
            "cases": [r.as_json() for r in self.results],
            "notes": self.notes,
            "persistent_cache": self.persistent_cache,
            "seconds": round(self.seconds, 2),
        }
