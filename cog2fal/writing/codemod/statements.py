"""A rule pass over the statement skeleton only, that keeps every unchanged node as it was.

libcst's `node.visit(transformer)` rebuilds each node it enters, and enters every field of it:
whitespace, decorators, parameters, expressions. A rule that hooks only statements needs none
of that. This pass calls the same `visit_<Type>`/`leave_<Type>` hooks, in libcst's order, on
statement-level nodes only, and rebuilds a node only when a hook changed something under it.
Unchanged subtrees stay the very objects of the original tree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import libcst as cst

Hook = Callable[..., Any]
Result = cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel

# The fields that hold statements, suites, `else`/`except`/`finally` clauses or match cases, on
# every libcst node that has them (Module, IndentedBlock, compound statements, clauses).
_STATEMENT_FIELDS = ("body", "orelse", "handlers", "finalbody", "cases")
_FIELDS: dict[type, tuple[str, ...]] = {}


def statement_fields(node_type: type) -> tuple[str, ...]:
    names = _FIELDS.get(node_type)
    if names is None:
        present = {f.name for f in dataclasses.fields(node_type)}
        names = _FIELDS[node_type] = tuple(name for name in _STATEMENT_FIELDS if name in present)
    return names


class StatementWalk:
    """Runs one transformer's statement hooks over a module, descending only into `holders`."""

    def __init__(self, transformer: cst.CSTTransformer, holders: tuple[type[cst.CSTNode], ...]):
        self.transformer = transformer
        self.holders = holders
        self._hooks: dict[type, tuple[Hook | None, Hook | None]] = {}

    def hooks(self, node_type: type) -> tuple[Hook | None, Hook | None]:
        found = self._hooks.get(node_type)
        if found is None:
            name = node_type.__name__
            found = self._hooks[node_type] = (getattr(self.transformer, f"visit_{name}", None),
                                              getattr(self.transformer, f"leave_{name}", None))
        return found

    def node(self, node: cst.CSTNode) -> Result:
        visit, leave = self.hooks(type(node))
        descend = visit is None or visit(node) is not False
        updated = self.children(node) if descend and isinstance(node, self.holders) else node
        return updated if leave is None else leave(node, updated)

    def children(self, node: cst.CSTNode) -> cst.CSTNode:
        changes: dict[str, Any] = {}
        for name in statement_fields(type(node)):
            value = getattr(node, name)
            if value is None:
                continue
            if isinstance(value, cst.CSTNode):
                new = self.node(value)
                if new is not value:
                    changes[name] = None if isinstance(new, cst.RemovalSentinel) else new
            else:
                items = self.sequence(value)
                if items is not None:
                    changes[name] = items
        return node.with_changes(**changes) if changes else node

    def sequence(self, items: Sequence[cst.CSTNode]) -> list[cst.CSTNode] | None:
        """The walked items; None when every one came back unchanged."""
        result: list[cst.CSTNode] = []
        changed = False
        for item in items:
            new = self.node(item)
            if new is item:
                result.append(item)
                continue
            changed = True
            if isinstance(new, cst.FlattenSentinel):
                result.extend(new.nodes)
            elif not isinstance(new, cst.RemovalSentinel):
                result.append(new)
        return result if changed else None
