"""Rewrites of the user's code off Cog: one rule per module, run in the order of `RULES`.

Each rule is a libcst transformer with a stable ID (documented in docs/mapping.md). Rules change
only Cog constructs and keep everything else (comments, formatting, logic) byte for byte. A new
rule is a module here, a line in `RULES` and a tests/writing/rewrites/test_<rule>.py; what the
rules run on (their base class, context, walk and print) is in writing/codemod/.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.writing.codemod.context import RewriteContext
from cog2fal.writing.codemod.printing import module_code
from cog2fal.writing.codemod.rule import Rule, apply_rules
from cog2fal.writing.rewrites.cog_imports import CogImports
from cog2fal.writing.rewrites.input_defaults import InputDefaults
from cog2fal.writing.rewrites.legacy_inputs import LegacyInputs
from cog2fal.writing.rewrites.predictor_bases import PredictorBases
from cog2fal.writing.rewrites.todo_comments import TodoComments

# The order the rules run in. TODO comments go first, while findings' lines still point at the
# original nodes; the imports go last, once the other rules have taken out what they replace.
RULES: tuple[type[Rule], ...] = (
    TodoComments,
    InputDefaults,
    LegacyInputs,
    PredictorBases,
    CogImports,
)

__all__ = ["RULES", "RewriteContext", "Rule", "module_code", "registered_rules", "rewrite_module"]


def registered_rules() -> list[type[Rule]]:
    """The rules in order (scripts/regenerate_examples.py renders docs/mapping.md's table from it)."""
    return list(RULES)


def rewrite_module(context: RewriteContext) -> cst.Module:
    return apply_rules(RULES, context)
