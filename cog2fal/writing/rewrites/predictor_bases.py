"""`class Predictor(BasePredictor)` → `class Predictor:`.

Cog's base classes only marked the class for Cog's loader. A class that calls `super()` or
Cog's `self.record_metric` keeps a base, imported from the shipped runtime module instead.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.codes import Code
from cog2fal.reading.cog_api import PREDICTOR_BASES
from cog2fal.writing.codemod.rule import Rule


class PredictorBases(Rule):
    id = Code.RULE_PREDICTOR_BASES
    summary = "drop Cog's predictor base classes"

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        bases = [base for base in updated_node.bases
                 if self.context.bindings.resolve(base.value) not in PREDICTOR_BASES]
        if len(bases) == len(updated_node.bases):
            return updated_node
        body = self._class_text(original_node)
        if "super(" in body or "self.record_metric" in body or "self.scope" in body:
            return updated_node
        self.changed = True
        for base in updated_node.bases:
            if base not in bases:
                self.context.took_out(base.value)
        if not bases and not updated_node.keywords:
            return updated_node.with_changes(bases=[], lpar=cst.MaybeSentinel.DEFAULT,
                                             rpar=cst.MaybeSentinel.DEFAULT)
        if bases and not updated_node.keywords:
            bases[-1] = bases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(bases=bases)

    def _class_text(self, node: cst.ClassDef) -> str:
        """The class's source, from the original text: earlier rules replaced the node objects,
        so find the original class of the same name (generating its code would cost a pass)."""
        source = self.context.source
        start, end = source.lines_of(node)
        if not start:
            original = next((s for s in source.module.body if isinstance(s, cst.ClassDef)
                             and s.name.value == node.name.value), None)
            start, end = source.lines_of(original) if original is not None else (0, 0)
        if not start:
            return source.code(node.body)
        return "\n".join(source.text.splitlines()[start - 1:end])
