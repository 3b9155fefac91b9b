"""The rule registry and the context the rules share (like LibCST's CodemodContext)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from cog2fal.project import Entrypoint, Finding, Location
from cog2fal.reading.bindings import Bindings, bindings_before
from cog2fal.reading.source import SourceFile

_REGISTRY: list[type[Rule]] = []


@dataclass
class RewriteContext:
    source: SourceFile
    entrypoints: list[Entrypoint] = field(default_factory=list)  # those defined in this file
    todos: list[Finding] = field(default_factory=list)  # TODOs to place in this file
    warnings: list[Finding] = field(default_factory=list)  # what the rules report back
    needed_typing: set[str] = field(default_factory=set)  # names the rules used from typing
    applied: list[str] = field(default_factory=list)  # IDs of the rules that changed the code
    _bindings: Bindings | None = None

    @property
    def bindings(self) -> Bindings:
        """Bindings at the end of the original module: what Cog names are imported, and how."""
        if self._bindings is None:
            self._bindings = bindings_before(self.source.module)
        return self._bindings

    def warn(self, code: str, message: str, node: cst.CSTNode | None = None) -> None:
        line = self.source.line_of(node) if node is not None else 1
        self.warnings.append(Finding(code, message, Location(self.source.display, line)))


class Rule(cst.CSTTransformer):
    """A rewrite; subclasses register themselves in definition order."""

    id: ClassVar[str]
    summary: ClassVar[str]

    def __init__(self, context: RewriteContext):
        cst.CSTTransformer.__init__(self)
        self.context = context

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "id" in cls.__dict__:
            _REGISTRY.append(cls)

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return True


def registered_rules() -> list[type[Rule]]:
    return list(_REGISTRY)


def rewrite_module(context: RewriteContext) -> cst.Module:
    module = context.source.module
    for rule in _REGISTRY:
        if rule.applies(context):
            updated = module.visit(rule(context))
            if updated is not module and not updated.deep_equals(module):
                context.applied.append(rule.id)
            module = updated
    return module
