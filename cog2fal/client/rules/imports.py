"""imports, last. `import replicate` (and `from replicate... import ...` names) go
when no code uses them any more; `import fal_client`, and the helper module when a rewrite
uses it, take their place. A file where some call stays on Replicate keeps both."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from cog2fal.client.building import HELPER_MODULE
from cog2fal.codes import Code


class Imports:
    id = Code.CLIENT_IMPORTS
    summary = "imports: replicate → fal_client (and the helper module)"
    replicate = ("`import replicate`, `from replicate.client import Client`, "
                 "`from replicate.exceptions import ...`")
    fal = "`import fal_client`, `import fal_replicate_compat`"


def _full_name(node: cst.BaseExpression) -> str:
    return cst.helpers.get_full_name_for_node(node) or ""


def _is_replicate(node: cst.Import | cst.ImportFrom) -> bool:
    if isinstance(node, cst.Import):
        return any(_full_name(a.name).split(".")[0] == "replicate" for a in node.names)
    return not node.relative and node.module is not None \
        and _full_name(node.module).split(".")[0] == "replicate"


class _Unused(cst.CSTVisitor):
    """The import aliases of replicate whose names nothing uses any more."""

    METADATA_DEPENDENCIES = (ScopeProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.unused: set[cst.ImportAlias] = set()
        self.has: set[str] = set()

    def _check(self, node: cst.Import | cst.ImportFrom) -> None:
        scope = self.get_metadata(ScopeProvider, node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = alias.evaluated_alias or alias.evaluated_name
            if isinstance(node, cst.Import):
                name = name.split(".")[0] if alias.asname is None else name
            assignments = [a for a in scope.assignments[name] if getattr(a, "node", None) is node]
            if assignments and not any(a.references for a in assignments):
                self.unused.add(alias)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self.has.add(_full_name(alias.name) if alias.asname is None else "")
        if _is_replicate(node):
            self._check(node)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if _is_replicate(node):
            self._check(node)
        elif node.relative and node.module is None and not isinstance(node.names, cst.ImportStar):
            self.has.update(_full_name(a.name) for a in node.names if a.asname is None)


def _line(code: str) -> cst.SimpleStatementLine:
    statement = cst.parse_statement(code)
    assert isinstance(statement, cst.SimpleStatementLine)
    return statement


class _Rewrite(cst.CSTTransformer):
    def __init__(self, unused: set[cst.ImportAlias], new_lines: list[cst.SimpleStatementLine]):
        super().__init__()
        self.unused = unused
        self.new_lines = new_lines
        self.placed = False

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine,
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        body = []
        touched = False
        # The original's aliases are the ones `unused` holds. Both bodies hold the same statements
        # (this transformer changes none inside a line), so they pair one to one.
        for statement, updated in zip(original_node.body, updated_node.body, strict=True):
            if isinstance(statement, (cst.Import, cst.ImportFrom)) and _is_replicate(statement) and \
                    not isinstance(statement.names, cst.ImportStar):
                touched = True
                kept = [a for a in statement.names if a not in self.unused]
                if kept:
                    kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                    body.append(statement.with_changes(names=kept))
            else:
                body.append(updated)
        if not touched:
            return updated_node
        lines: list[cst.BaseStatement] = []
        if body:
            lines.append(updated_node.with_changes(body=body))
        if not self.placed:
            self.placed = True
            for index, line in enumerate(self.new_lines):
                if index == 0 and not body:  # keep the original line's comments and blank lines
                    line = line.with_changes(leading_lines=updated_node.leading_lines)
                lines.append(line)
        if not lines:
            return cst.RemoveFromParent()
        return cst.FlattenSentinel(lines)


def _insert_at_top(module: cst.Module, new_lines: list[cst.SimpleStatementLine]) -> cst.Module:
    """Where no replicate import was (a client passed in): after the docstring and the
    `from __future__` imports."""
    index = 0
    body = list(module.body)
    while index < len(body):
        statement = body[index]
        if isinstance(statement, cst.SimpleStatementLine) and (
                (isinstance(statement.body[0], cst.Expr)
                 and isinstance(statement.body[0].value, cst.SimpleString)
                 and index == 0)
                or (isinstance(statement.body[0], cst.ImportFrom) and statement.body[0].module is not None
                    and _full_name(statement.body[0].module) == "__future__")):
            index += 1
            continue
        break
    return module.with_changes(body=[*body[:index], *new_lines, *body[index:]])


def rewrite_imports(
    module: cst.Module, uses_fal_client: bool, uses_helper: bool, package: bool,
) -> cst.Module:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    finder = _Unused()
    wrapper.visit(finder)
    new_lines = []
    if (uses_fal_client or uses_helper) and "fal_client" not in finder.has:
        new_lines.append(_line("import fal_client\n"))
    if uses_helper and HELPER_MODULE not in finder.has:
        new_lines.append(_line(f"from . import {HELPER_MODULE}\n" if package
                               else f"import {HELPER_MODULE}\n"))
    rewriter = _Rewrite(finder.unused, new_lines)
    result = wrapper.module.visit(rewriter)
    if new_lines and not rewriter.placed:
        result = _insert_at_top(result, new_lines)
    return result
