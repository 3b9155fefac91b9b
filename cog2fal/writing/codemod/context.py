"""What the rules of one file share (like LibCST's CodemodContext), and what they report back."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import libcst as cst

from cog2fal.codes import Code
from cog2fal.project import Entrypoint, Finding, Location
from cog2fal.reading.bindings import Bindings, bindings_before
from cog2fal.reading.source import SourceFile


@dataclass
class RewriteContext:
    source: SourceFile
    entrypoints: list[Entrypoint] = field(default_factory=list)  # those defined in this file
    todos: list[Finding] = field(default_factory=list)  # TODOs to place in this file
    findings: list[Finding] = field(default_factory=list)  # what the rules report back (TODOs too)
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

    def todo(self, code: Code, message: str, text: str) -> None:
        """Something a late rule cannot mark in the code any more: reported in MIGRATION.md, at
        the first line of the original source that holds `text`."""
        lines = self.source.text.splitlines()
        line = next((n for n, content in enumerate(lines, 1) if text in content), 1)
        finding = Finding(code, message, Location(self.source.display, line))
        if finding not in self.findings:
            self.findings.append(finding)
