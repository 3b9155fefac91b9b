"""A module's top-level names, answered as Python would at run time: the last definition or
assignment of a name wins, and one inside a top-level `if`/`try` body counts too (definitions)."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst


def top_level_definition(module: cst.Module, name: str) -> cst.ClassDef | cst.FunctionDef | None:
    """The last top-level `class name` or `def name`; callers check which one they need."""
    found = None
    for statement in module.body:
        candidates = [statement]
        if isinstance(statement, (cst.If, cst.Try)):
            candidates = list(statement.body.body)
        for node in candidates:
            if isinstance(node, (cst.ClassDef, cst.FunctionDef)) and node.name.value == name:
                found = node
    return found


def top_level_assignments(module: cst.Module) -> Iterator[tuple[str, cst.BaseExpression]]:
    """Each top-level `NAME = value` and `NAME: T = value`, in order (a later one wins)."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, cst.Assign):
                for target in small.targets:
                    if isinstance(target.target, cst.Name):
                        yield target.target.value, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None and \
                    isinstance(small.target, cst.Name):
                yield small.target.value, small.value
