"""The inputs table (name, type, required, default, constraints) that MIGRATION.md and `inspect` show.

The rows are made once, here; MARKDOWN and TERMINAL only word them for their medium (code marked
with backticks or not, Python literals or reprs, every choice or the first few).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cog2fal.project import MISSING, Entrypoint, InputField
from cog2fal.reporting.masking import shown_default
from cog2fal.writing.pysource import literal


@dataclass(frozen=True)
class Wording:
    code: Callable[[str], str]  # marks a name, a type or a value as code
    value: Callable[[Any], str]  # a default or bound as text
    labels: tuple[str, str, str, str, str]  # ≥, ≤, min length, max length, pattern
    choices: str  # what precedes the list of choices
    choices_shown: int | None  # None: all of them
    computed: str  # after a default the model's code computes


MARKDOWN = Wording(lambda text: f"`{text}`", literal, ("≥", "≤", "min length", "max length", "pattern"),
                   "one of", None, "(in the model code)")
TERMINAL = Wording(str, repr, ("≥", "≤", "min len", "max len", "pattern"), "choices", 6, "(runtime)")


@dataclass(frozen=True)
class InputRow:
    name: str
    type: str
    required: str  # "yes" | "no"
    default: str  # "" when the input has none
    constraints: str
    description: str


def _constraints(spec: InputField, wording: Wording) -> str:
    bounds = (spec.ge, spec.le, spec.min_length, spec.max_length, spec.regex)
    parts = [f"{label} {value}" for label, value in zip(wording.labels, bounds, strict=True)
             if value is not None]
    if spec.choices is not None:
        limit = wording.choices_shown
        shown = spec.choices if limit is None else spec.choices[:limit]
        more = len(spec.choices) - len(shown)
        listed = ", ".join(wording.code(str(choice)) for choice in shown)
        parts.append(f"{wording.choices} {listed}" + (f" (+{more} more)" if more else ""))
    if spec.deprecated:
        parts.append("deprecated")
    return "; ".join(parts)


def input_rows(entry: Entrypoint, wording: Wording) -> list[InputRow]:
    """One row per input, in the predictor's order."""
    rows = []
    for spec in entry.inputs:
        default = "" if spec.default is MISSING else wording.code(wording.value(shown_default(spec)))
        if spec.default_source:
            default = f"{wording.code(spec.default_source)} {wording.computed}"
        rows.append(InputRow(wording.code(spec.name), wording.code(spec.type.describe()),
                             "yes" if spec.required else "no", default, _constraints(spec, wording),
                             spec.description or ""))
    return rows
