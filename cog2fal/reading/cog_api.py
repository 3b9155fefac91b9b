"""What cog2fal knows of Cog's Python API, written once for the readers and the rules.

Names are canonical qualified names (`cog.BasePredictor`, whatever submodule the code imported
them from: see bindings.canonical). Facts from replicate/cog's python/cog/__init__.py across
releases: the 2021 API (`cog.Predictor`, `cog.Model`, `@cog.input`), the pydantic era
(`BasePredictor`, `Input`) and 0.20+ (`BaseRunner`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import libcst as cst

if TYPE_CHECKING:  # bindings.py reads STAR_EXPORTS from here
    from cog2fal.reading.bindings import Bindings

# The classes a predictor or trainer derives from only to mark it for Cog's loader.
PREDICTOR_BASES = frozenset({"cog.BasePredictor", "cog.BaseRunner", "cog.Predictor", "cog.Model"})
# Those of the 2021 API, whose inputs are `@cog.input` decorators.
LEGACY_BASES = frozenset({"cog.Predictor", "cog.Model"})

# What `from cog import *` binds.
STAR_EXPORTS = ("BasePredictor", "BaseRunner", "BaseModel", "Input", "Path", "File", "Secret",
                "ConcatenateIterator", "AsyncConcatenateIterator", "current_scope", "emit_metric")
# Every name of Cog's API cog2fal knows, in any release: the shipped runtime module stands in for
# these; any other `from cog import X` is left for the user (a TODO).
PUBLIC_NAMES = frozenset({
    "AsyncConcatenateIterator", "BaseModel", "BasePredictor", "BaseRunner", "CancelationException",
    "ConcatenateIterator", "ExperimentalFeatureWarning", "File", "Image", "Input", "Path", "Secret",
    "URLFile", "URLPath", "Weights", "current_scope", "emit_metric", "input", "__version__",
    "Predictor", "Model",
})

LEGACY_INPUT = "cog.input"  # the 2021 `@cog.input("name", type=..., default=..., help=...)`


def legacy_input(decorator: cst.Decorator, bindings: Bindings) -> cst.Call | None:
    """The `@cog.input(...)` call a decorator makes, however `cog` was imported; None otherwise."""
    call = decorator.decorator
    if isinstance(call, cst.Call) and bindings.resolve(call.func) == LEGACY_INPUT:
        return call
    return None


def legacy_input_name(call: cst.Call) -> str | None:
    """The input a `@cog.input` call names (its first argument, a string literal)."""
    first = call.args[0].value if call.args else None
    name = first.evaluated_value if isinstance(first, cst.SimpleString) else None
    return name if isinstance(name, str) else None
