"""The rule registry and the context the rules share (like LibCST's CodemodContext)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from cog2fal.codes import Code
from cog2fal.project import Entrypoint, Finding, Location
from cog2fal.reading.bindings import Bindings, bindings_before
from cog2fal.reading.source import SourceFile
from cog2fal.writing.rewrites.statements import StatementWalk

_REGISTRY: list[type[Rule]] = []

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


@dataclass
class RewriteContext:
    source: SourceFile
    entrypoints: list[Entrypoint] = field(default_factory=list)  # those defined in this file
    todos: list[Finding] = field(default_factory=list)  # TODOs to place in this file
    warnings: list[Finding] = field(default_factory=list)  # what the rules report back
    needed_typing: set[str] = field(default_factory=set)  # names the rules used from typing
    applied: list[str] = field(default_factory=list)  # IDs of the rules that changed the code
    removed: Counter[str] = field(default_factory=Counter)  # name uses the rules took out

    def took_out(self, node: cst.BaseExpression | None) -> None:
        """Records that a rule removed `node` (an `Input(...)` call, a `@cog.input` decorator, a
        base class): one use fewer of the name it starts with (`Input`, `cog`, `BasePredictor`).
        Names deeper inside are not counted, so an import is at worst kept, never dropped."""
        while isinstance(node, (cst.Call, cst.Attribute, cst.Subscript)):
            node = node.func if isinstance(node, cst.Call) else node.value
        if isinstance(node, cst.Name):
            self.removed[node.value] += 1

    def still_used(self, name: str) -> bool:
        uses = self.source.name_uses()
        return uses is None or uses[name] - self.removed[name] > 0
    _bindings: Bindings | None = None

    @property
    def bindings(self) -> Bindings:
        """Bindings at the end of the original module: what Cog names are imported, and how."""
        if self._bindings is None:
            self._bindings = bindings_before(self.source.module)
        return self._bindings

    def warn(self, code: Code, message: str, node: cst.CSTNode | None = None) -> None:
        line = self.source.line_of(node) if node is not None else 1
        self.warnings.append(Finding(code, message, Location(self.source.display, line)))

    def todo(self, code: Code, message: str, text: str) -> None:
        """Something a late rule cannot mark in the code any more: reported in MIGRATION.md, at
        the first line of the original source that holds `text`."""
        lines = self.source.text.splitlines()
        line = next((n for n, content in enumerate(lines, 1) if text in content), 1)
        finding = Finding(code, message, Location(self.source.display, line))
        if finding not in self.warnings:
            self.warnings.append(finding)


class Rule(cst.CSTTransformer):
    """A rewrite; subclasses register themselves in definition order."""

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
        if "id" in cls.__dict__:
            _REGISTRY.append(cls)

    def apply(self, module: cst.Module) -> cst.Module:
        if self._holders is None:
            return module.visit(self)
        return StatementWalk(self, self._holders).node(module)  # type: ignore[return-value]

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return True


def registered_rules() -> list[type[Rule]]:
    return list(_REGISTRY)


def rewrite_module(context: RewriteContext) -> cst.Module:
    module = context.source.module
    for rule in _REGISTRY:
        if rule.applies(context):
            instance = rule(context)
            module = instance.apply(module)
            if instance.changed:
                context.applied.append(rule.id)
    return module

