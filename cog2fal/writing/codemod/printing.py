"""The rewritten module's code, generated only where the rules changed something.

The rules rebuild only the path from the module to what they change (see `statements.py`), so
most statements of the rewritten tree are the very objects parsed from the file. The positions
pass already generated their code once (see `reading/positions.py`); that text is copied back here
instead of generated a second time, when the statement sits at the indentation it had. The
result is the same string `module.code` gives (checked on every golden project).
"""

from __future__ import annotations

import libcst as cst

from cog2fal.compat.libcst_private import SUPPORTED, VerbatimStatement
from cog2fal.reading.source import SourceFile
from cog2fal.writing.codemod.statements import statement_fields


def module_code(module: cst.Module, source: SourceFile) -> str:
    """`module.code`, for a module rewritten from `source.module`."""
    if module is source.module:
        return source.text
    if not SUPPORTED or not source.positions.statements:  # pragma: no cover
        return module.code
    return _Splice(source, module.default_indent).holder(module, "").code  # type: ignore[attr-defined]


class _Splice:
    def __init__(self, source: SourceFile, default_indent: str):
        self.generated = source.positions.statements
        self.tokens = source.positions.tokens
        self.default_indent = default_indent

    def holder(self, node: cst.CSTNode, indent: str) -> cst.CSTNode:
        """`node` with each original statement under it replaced by its generated text."""
        if isinstance(node, cst.IndentedBlock):
            indent += self.default_indent if node.indent is None else node.indent
        changes: dict[str, object] = {}
        for name in statement_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                changes[name] = self.holder(value, indent)
            elif value and not isinstance(value[0], cst.BaseSmallStatement):
                changes[name] = [self.statement(item, indent) if isinstance(item, cst.BaseStatement)
                                 else self.holder(item, indent) for item in value]
        return node.with_changes(**changes) if changes else node

    def statement(self, node: cst.BaseStatement, indent: str) -> cst.BaseStatement:
        found = self.generated.get(id(node))
        if found is not None and found.indent == indent:
            return VerbatimStatement(tuple(self.tokens[found.first:found.end]))
        return self.holder(node, indent)  # type: ignore[return-value]
