"""The statement-skeleton pass calls the hooks libcst's own visit would, and keeps what it did not change."""

from __future__ import annotations

import textwrap

import libcst as cst

from cog2fal.writing.codemod.rule import Rule, _holders_to_open
from cog2fal.writing.codemod.statements import StatementWalk

SOURCE = textwrap.dedent('''
    """Doc."""
    import os  # a comment
    class A(Base):
        x = 1
        def f(self, a=1):
            if a:
                return 1
            elif a is None:
                pass
            else:
                for i in range(3):
                    print(i)
                else:
                    pass
            try:
                import json
            except ImportError as e:
                raise
            finally:
                del a
            try:
                pass
            except* ValueError:
                pass
            with open("f") as f: f.read(); g = 2
            while True:
                class Inner: pass
            if skipped:
                class NeverSeen: pass
            match a:
                case 1:
                    import sys
                case _:
                    pass
    async def g():
        async with x:
            async for y in z:
                import re
''').lstrip()


class Recorder(cst.CSTTransformer):
    """Logs every statement-level hook call; removes `import json`, doubles `import re`,
    renames class Inner. No hook below statement level, so the skeleton pass applies."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def _log(self, kind: str, node: cst.CSTNode) -> None:
        self.calls.append(f"{kind} {type(node).__name__}")

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._log("visit", node)
        return True

    def visit_If(self, node: cst.If) -> bool:
        self._log("visit", node)
        return not (isinstance(node.test, cst.Name) and node.test.value == "skipped")

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self._log("leave", original_node)
        if updated_node.name.value == "Inner":
            return updated_node.with_changes(name=cst.Name("Renamed"))
        return updated_node

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import):
        self._log("leave", original_node)
        name = cst.Module([]).code_for_node(updated_node.names[0].name)
        if name == "json":
            return cst.RemovalSentinel.REMOVE
        if name == "re":
            return cst.FlattenSentinel([updated_node, updated_node])
        return updated_node

    def leave_SimpleStatementLine(self, original_node, updated_node):
        self._log("leave", original_node)
        if not updated_node.body:
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def leave_IndentedBlock(self, original_node, updated_node):
        self._log("leave", original_node)
        return updated_node

    def leave_Else(self, original_node, updated_node):
        self._log("leave", original_node)
        return updated_node


def holders(transformer: type) -> tuple[type[cst.CSTNode], ...]:
    found = _holders_to_open(transformer)
    assert found is not None
    return found


def test_same_hooks_in_the_same_order_and_the_same_result_as_libcst() -> None:
    module = cst.parse_module(SOURCE)
    by_libcst, by_walk = Recorder(), Recorder()
    expected = module.visit(by_libcst)
    result = StatementWalk(by_walk, holders(Recorder)).node(module)
    assert by_walk.calls == by_libcst.calls and len(by_walk.calls) > 30
    assert isinstance(result, cst.Module)
    assert result.code == expected.code
    assert "import json" not in result.code and result.code.count("import re") == 2
    assert "class Renamed: pass" in result.code and "class NeverSeen: pass" in result.code
    compile(result.code, "walked.py", "exec")


def test_nothing_changed_gives_back_the_same_objects() -> None:
    class ClassesOnly(cst.CSTTransformer):
        def leave_ClassDef(self, original_node, updated_node):
            return updated_node

    module = cst.parse_module(SOURCE)
    assert StatementWalk(ClassesOnly(), holders(ClassesOnly)).node(module) is module


def test_only_the_path_to_a_change_is_rebuilt() -> None:
    class RenameG(cst.CSTTransformer):
        def leave_FunctionDef(self, original_node, updated_node):
            if updated_node.name.value == "g":
                return updated_node.with_changes(name=cst.Name("h"))
            return updated_node

    module = cst.parse_module(SOURCE)
    result = StatementWalk(RenameG(), holders(RenameG)).node(module)
    assert isinstance(result, cst.Module) and result is not module
    doc, imports, class_a, func = result.body
    assert (doc, imports, class_a) == tuple(module.body[:3])
    assert all(new is old for new, old in zip(result.body[:3], module.body[:3], strict=True))
    assert func.name.value == "h" and func.body is module.body[3].body  # type: ignore[attr-defined]


def test_small_statement_hooks_open_simple_lines_and_others_do_not() -> None:
    class Statements(cst.CSTTransformer):
        def leave_ClassDef(self, original_node, updated_node):
            return updated_node

    assert cst.SimpleStatementLine not in holders(Statements)
    assert cst.SimpleStatementLine in holders(Recorder)


def test_hooks_below_statements_fall_back_to_libcsts_visit() -> None:
    class Names(Rule):
        def leave_Name(self, original_node, updated_node):
            return updated_node

    class Generic(Rule):
        def on_leave(self, original_node, updated_node):
            return updated_node

    class Attribute(Rule):
        def visit_ClassDef_body(self, node) -> None:
            pass

    assert _holders_to_open(Names) is None
    assert _holders_to_open(Generic) is None
    assert _holders_to_open(Attribute) is None
