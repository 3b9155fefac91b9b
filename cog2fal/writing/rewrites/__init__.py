"""Rewrites of the user's code off Cog: one rule per module, applied in registry order.

Each rule is a libcst transformer with a stable ID (documented in docs/mapping.md). Rules change
only Cog constructs and keep everything else (comments, formatting, logic) byte for byte.

A rule whose `visit_`/`leave_` hooks are all for statements runs on a walk of the statement
skeleton that keeps every unchanged node (statements.py), and the final print copies those
nodes' original code (printing.py). A rule that hooks anything below statement level, or
`on_visit`/`on_leave`, gets libcst's full visit instead: the same result, only slower.
"""

from __future__ import annotations

from cog2fal.writing.rewrites.base import RewriteContext, Rule, registered_rules, rewrite_module
from cog2fal.writing.rewrites.printing import module_code

# Importing the rule modules registers them; the order of this list is the order they run in.
from cog2fal.writing.rewrites import (  # noqa: E402,F401  isort: skip
    todo_comments,
    input_defaults,
    legacy_inputs,
    predictor_bases,
    cog_imports,
)

__all__ = ["RewriteContext", "Rule", "module_code", "registered_rules", "rewrite_module"]
