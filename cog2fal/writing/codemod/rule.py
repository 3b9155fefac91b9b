"""The base class of the rewrite rules, and how an ordered list of them rewrites one file.

A rule whose `visit_`/`leave_` hooks are all for statements runs on a walk of the statement
skeleton that keeps every unchanged node (statements.py), and the final print copies those
nodes' original code (printing.py). A rule that hooks anything below statement level, or
`on_visit`/`on_leave`, gets libcst's full visit instead: the same result, only slower.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

import libcst as cst

from cog2fal.codes import Code
from cog2fal.writing.codemod.context import RewriteContext
from cog2fal.writing.codemod.statements import StatementWalk

# The nodes under which a compound statement can appear, and those that hold only small ones.
# Expressions, parameters, decorators, annotations and whitespace never hold a statement, so a
# rule that only hooks statements need not descend into them; one that hooks no small
# statement (an import, an assignment) need not open simple statement lines either. Each pass
# then walks the statement skeleton instead of rebuilding every node of the module, and the
# subtrees it skips stay the very same objects.
_COMPOUND_HOLDERS: tuple[type[cst.CSTNode], ...] = (
    cst.Module, cst.BaseCompoundStatement, cst.IndentedBlock, cst.Else, cst.ExceptHandler,
    cst.ExceptStarHandler, cst.Finally, cst.MatchCase,
)
_SMALL_HOLDERS: tuple[type[cst.CSTNode], ...] = (cst.SimpleStatementLine, cst.SimpleStatementSuite)
_STATEMENT_LEVEL: tuple[type[cst.CSTNode], ...] = (
    *_COMPOUND_HOLDERS, *_SMALL_HOLDERS, cst.BaseSuite, cst.BaseStatement, cst.BaseSmallStatement,
)
_GENERIC_HOOKS = ("on_visit", "on_leave", "on_visit_attribute", "on_leave_attribute")


def _holders_to_open(cls: type) -> tuple[type[cst.CSTNode], ...] | None:
    """The node types a pass of `cls` must descend into to reach every node it hooks; None
    (descend everywhere) when it hooks a node below statement level or overrides a generic hook."""
    hooked: list[type] = []
    for klass in cls.__mro__:
        if klass is Rule or klass.__module__.split(".")[0] == "libcst" or klass is object:
            continue
        for name in vars(klass):
            if name in _GENERIC_HOOKS:
                return None
            prefix, _, type_name = name.partition("_")
            if prefix not in ("visit", "leave") or not type_name:
                continue
            node_type = getattr(cst, type_name, None)
            if not (isinstance(node_type, type) and issubclass(node_type, _STATEMENT_LEVEL)):
                return None
            hooked.append(node_type)
    if any(issubclass(node_type, cst.BaseSmallStatement) for node_type in hooked):
        return (*_COMPOUND_HOLDERS, *_SMALL_HOLDERS)
    return _COMPOUND_HOLDERS


class Rule(cst.CSTTransformer):
    """A rewrite with a stable ID (documented in docs/mapping.md); writing/rewrites/ lists the
    rules in the order they run."""

    id: ClassVar[Code]
    summary: ClassVar[str]
    _holders: ClassVar[tuple[type[cst.CSTNode], ...] | None] = None  # per subclass: _holders_to_open

    def __init__(self, context: RewriteContext):
        cst.CSTTransformer.__init__(self)
        self.context = context
        self.changed = False  # set by the rule where it rewrites something: reported per file

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._holders = _holders_to_open(cls)

    def apply(self, module: cst.Module) -> cst.Module:
        if self._holders is None:
            return module.visit(self)
        return StatementWalk(self, self._holders).node(module)  # type: ignore[return-value]

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return True


def apply_rules(rules: Iterable[type[Rule]], context: RewriteContext) -> cst.Module:
    """`context.source`'s module rewritten by each rule that applies, in order."""
    module = context.source.module
    for rule in rules:
        if rule.applies(context):
            instance = rule(context)
            module = instance.apply(module)
            if instance.changed:
                context.applied.append(rule.id)
    return module
