"""Imports of `cog` → the standard library or the shipped `cog2fal_runtime` module.

`cog.Path` becomes `pathlib.Path` (Cog's was a subclass); the rest of Cog's names that the code
still uses after the other rules come from `cog2fal_runtime`. Names no longer used are dropped.
Runs last, so that it sees which names the other rules left behind.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.codes import Code
from cog2fal.reading.bindings import canonical, dotted_name
from cog2fal.reading.cog_api import PUBLIC_NAMES
from cog2fal.writing.codemod.context import RewriteContext
from cog2fal.writing.codemod.rule import Rule
from cog2fal.writing.runtime_module import RUNTIME as RUNTIME_MODULE

_PLACEHOLDER = "__cog2fal_removed_import__"
_STDLIB = {"cog.Path": ("pathlib", "Path"), "cog.URLPath": ("pathlib", "Path")}


def _is_cog(module: str) -> bool:
    return module == "cog" or module.startswith("cog.")


def _import_from(module: str, names: list[tuple[str, str | None]]) -> cst.ImportFrom:
    return cst.ImportFrom(
        module=cst.parse_expression(module),  # type: ignore[arg-type]
        names=[cst.ImportAlias(name=cst.Name(name),
                               asname=cst.AsName(name=cst.Name(alias)) if alias and alias != name else None)
               for name, alias in names])


class CogImports(Rule):
    id = Code.RULE_COG_IMPORTS
    summary = "import Cog's names from pathlib or the shipped cog2fal_runtime module"

    def __init__(self, context: RewriteContext):
        super().__init__(context)
        self.typing_added = False
        self.merge_into_typing = False

    def visit_Module(self, node: cst.Module) -> bool:
        # Names the other rules need from typing join an existing `from typing import ...`.
        self.merge_into_typing = any(
            isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(small, cst.ImportFrom) and _is_typing(small) for small in statement.body)
            for statement in node.body)
        return True

    def _merge_typing(self, updated_node: cst.ImportFrom) -> cst.ImportFrom:
        """Adds the names the other rules need to the module's first `from typing import`."""
        self.typing_added = True
        names = list(updated_node.names)  # type: ignore[arg-type]
        present = {dotted_name(alias.name) for alias in names}
        missing = [n for n in sorted(self.context.needed_typing) if n not in present]
        if not missing:
            return updated_node
        self.changed = True
        if updated_node.rpar is not None:  # parenthesised, one name per line: keep that layout
            last = names[-1]
            comma = last.comma if isinstance(last.comma, cst.Comma) else cst.Comma()
            names[-1] = last.with_changes(comma=comma)
            names += [cst.ImportAlias(name=cst.Name(n), comma=comma) for n in missing]
        else:
            names[-1] = names[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
            names += [cst.ImportAlias(name=cst.Name(n)) for n in missing]
            names[-1] = names[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated_node.with_changes(names=names)

    def _replacement(self, statement: cst.BaseSmallStatement) -> list[cst.BaseSmallStatement] | None:
        if isinstance(statement, cst.ImportFrom) and statement.module is not None \
                and not statement.relative and _is_cog(dotted_name(statement.module) or ""):
            module = dotted_name(statement.module) or "cog"
            if isinstance(statement.names, cst.ImportStar):
                return [cst.ImportFrom(module=cst.Name(RUNTIME_MODULE), names=cst.ImportStar())]
            groups: dict[str, list[tuple[str, str | None]]] = {}
            for alias in statement.names:
                name = dotted_name(alias.name) or ""
                local = alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
                if not self.context.still_used(local):
                    continue
                target_module, target_name = _STDLIB.get(canonical(f"{module}.{name}"),
                                                         (RUNTIME_MODULE, name))
                if target_module == RUNTIME_MODULE and name not in PUBLIC_NAMES:
                    self.context.todo(
                        Code.NO_RUNTIME_STAND_IN,
                        f"`{module}.{name}` has no stand-in outside Cog: this import fails on "
                        "the runner until you replace it", name)
                groups.setdefault(target_module, []).append((target_name, local))
            return [_import_from(mod, names) for mod, names in groups.items()]
        if isinstance(statement, cst.Import):
            kept: list[cst.ImportAlias] = []
            replaced: list[cst.BaseSmallStatement] = []
            for alias in statement.names:
                full = dotted_name(alias.name) or ""
                if not _is_cog(full):
                    kept.append(alias)
                    continue
                local = alias.asname.name.value if alias.asname else full.split(".")[0]  # type: ignore[union-attr]
                if self.context.still_used(local):
                    replaced.append(cst.Import(names=[cst.ImportAlias(
                        name=cst.Name(RUNTIME_MODULE), asname=cst.AsName(name=cst.Name(local)))]))
            if len(kept) == len(statement.names):
                return None
            if kept:
                kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                replaced.insert(0, statement.with_changes(names=kept))
            return replaced
        return None

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine,
                                  updated_node: cst.SimpleStatementLine):
        new_body: list[cst.BaseSmallStatement] = []
        changed = False
        if self.context.needed_typing and self.merge_into_typing and not self.typing_added:
            for index, small in enumerate(updated_node.body):
                if isinstance(small, cst.ImportFrom) and _is_typing(small):
                    merged = self._merge_typing(small)
                    if merged is not small:  # an unchanged line stays the parsed object
                        body = list(updated_node.body)
                        body[index] = merged
                        updated_node = updated_node.with_changes(body=body)
                    break
        for statement in updated_node.body:
            replacement = self._replacement(statement)
            if replacement is None:
                new_body.append(statement)
            else:
                changed = True
                new_body.extend(replacement)
        if not changed:
            return updated_node
        self.changed = True
        if self.context.needed_typing and not self.typing_added and not self.merge_into_typing:
            self.typing_added = True
            names = [(n, None) for n in sorted(self.context.needed_typing)]
            new_body.insert(0, _import_from("typing", names))
        if not new_body:
            if any(line.comment for line in updated_node.leading_lines):
                # Keep the comments that sat above the import; leave_Module moves them down.
                return updated_node.with_changes(body=[cst.Expr(cst.Name(_PLACEHOLDER))])
            return cst.RemovalSentinel.REMOVE
        lines = [cst.SimpleStatementLine(body=[stmt]) for stmt in new_body]
        lines[0] = lines[0].with_changes(leading_lines=updated_node.leading_lines)
        lines[-1] = lines[-1].with_changes(trailing_whitespace=updated_node.trailing_whitespace)
        return cst.FlattenSentinel(lines)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        updated_node = _move_placeholder_comments(updated_node)
        first_original = original_node.body[0] if original_node.body else None
        removed_first = isinstance(first_original, cst.SimpleStatementLine) and \
            all(self._replacement(small) == [] for small in first_original.body)
        if updated_node.body and removed_first:
            # The file began with a Cog import that is gone: don't start it with blank lines.
            first = updated_node.body[0]
            leading = list(first.leading_lines)
            while leading and leading[0].comment is None:
                leading.pop(0)
            updated_node = updated_node.with_changes(
                body=[first.with_changes(leading_lines=leading), *updated_node.body[1:]])
        if self.context.needed_typing and not self.typing_added:
            self.changed = True
            line = cst.SimpleStatementLine(body=[_import_from(
                "typing", [(n, None) for n in sorted(self.context.needed_typing)])])
            body = list(updated_node.body)
            index = _after_docstring_and_future(body)
            body.insert(index, line)
            return updated_node.with_changes(body=body)
        return updated_node


def _after_docstring_and_future(body: list[cst.BaseStatement]) -> int:
    index = 0
    for index, statement in enumerate(body):  # noqa: B007
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString) and index == 0:
                continue
            if isinstance(small, cst.ImportFrom) and small.module is not None and \
                    dotted_name(small.module) == "__future__":
                continue
        return index
    return len(body)


def _is_placeholder(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1 and \
        isinstance(statement.body[0], cst.Expr) and isinstance(statement.body[0].value, cst.Name) \
        and statement.body[0].value.value == _PLACEHOLDER


def _move_placeholder_comments(module: cst.Module) -> cst.Module:
    body: list[cst.BaseStatement] = []
    pending: list[cst.EmptyLine] = []
    for statement in module.body:
        if _is_placeholder(statement):
            pending.extend(statement.leading_lines)
            continue
        if pending:
            statement = statement.with_changes(leading_lines=[*pending, *statement.leading_lines])
            pending = []
        body.append(statement)
    if not pending:
        return module.with_changes(body=body)
    return module.with_changes(body=body, footer=[*pending, *module.footer])


def _is_typing(node: cst.ImportFrom) -> bool:
    return not node.relative and node.module is not None and dotted_name(node.module) == "typing" \
        and not isinstance(node.names, cst.ImportStar)
