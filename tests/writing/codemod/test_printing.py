"""The final print reuses the original text of unchanged statements and still equals `module.code`."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from cog2fal.compat.libcst_private import VerbatimStatement
from cog2fal.reading.source import SourceFile, parse_source
from cog2fal.writing.codemod.printing import _Splice, module_code
from cog2fal.writing.codemod.rule import _holders_to_open
from cog2fal.writing.codemod.statements import StatementWalk, statement_fields
from tests.conftest import EXAMPLES, FIXTURES
from tests.support.rewriting import rewritten_sources

PROJECTS = sorted(p.parent for p in [*FIXTURES.glob("*/cog.yaml"), *EXAMPLES.glob("*/cog/cog.yaml")])


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.parent.name if p.name == "cog" else p.name)
def test_every_rewritten_file_prints_as_libcst_prints_it(project: Path) -> None:
    for source, module in rewritten_sources(project):
        assert module_code(module, source) == module.code


def source_of(tmp_path: Path, text: str) -> SourceFile:
    path = tmp_path / "m.py"
    path.write_bytes(text.encode())
    return parse_source(path, "m.py")


class Rename(cst.CSTTransformer):
    def leave_FunctionDef(self, original_node, updated_node):
        if updated_node.name.value == "f":
            return updated_node.with_changes(name=cst.Name("renamed"))
        return updated_node


def rename_f(module: cst.Module) -> cst.Module:
    """As the rules rewrite: what is not on the way to `def f` stays the same objects."""
    holders = _holders_to_open(Rename)
    assert holders is not None
    return StatementWalk(Rename(), holders).node(module)  # type: ignore[return-value]


def copied(module: cst.Module, source: SourceFile) -> int:
    """How many statements the print copies from the original text."""
    spliced = _Splice(source, module.default_indent).holder(module, "")
    found = []

    def walk(node: cst.CSTNode) -> None:
        for name in statement_fields(type(node)):
            value = getattr(node, name)
            for item in [value] if isinstance(value, cst.CSTNode) else value or ():
                if isinstance(item, VerbatimStatement):
                    found.append(item)
                else:
                    walk(item)

    walk(spliced)
    return len(found)


@pytest.mark.parametrize("text", [
    "import os\n\n\ndef f():\n    # kept\n    return 1\n\n\ndef g():\n    return 2",  # no final newline
    "import os\r\n\r\ndef f():\r\n    x = (1,\r\n         2)\r\n    return x\r\ndef g(): pass\r\n",
    "def f():\n\tif x:\n\t\treturn 1\n\telse:\n\t\treturn 2\n# footer\n",
    "class A:\n  def f(self):\n    pass\n  def g(self):\n      return 3  # odd indent\n",
])
def test_layouts_survive(tmp_path: Path, text: str) -> None:
    source = source_of(tmp_path, text)
    module = rename_f(source.module)
    assert "renamed" in module.code and copied(module, source) >= 1
    assert module_code(module, source) == module.code
    assert module_code(source.module, source) == text


def test_a_statement_moved_elsewhere_is_generated_again(tmp_path: Path) -> None:
    source = source_of(tmp_path, "def f():\n    x = 1\n    return x\n")
    func = source.module.body[0]
    assert isinstance(func, cst.FunctionDef)
    moved = source.module.with_changes(body=[*func.body.body, func])  # now at module level
    assert copied(moved, source) == 1  # def f, not its two statements
    assert module_code(moved, source) == moved.code == "x = 1\nreturn x\ndef f():\n    x = 1\n    return x\n"


def test_an_elif_branch_moved_into_a_body_is_generated_as_an_if(tmp_path: Path) -> None:
    source = source_of(tmp_path, "# lead\nif a:\n    x = 1\n# before elif\nelif b:\n    x = 2\n"
                                 "else:\n    x = 3\n")
    outer = source.module.body[0]
    assert isinstance(outer, cst.If) and isinstance(outer.orelse, cst.If)
    moved = source.module.with_changes(body=[outer.orelse])
    expected = "# lead\n# before elif\nif b:\n    x = 2\nelse:\n    x = 3\n"
    assert module_code(moved, source) == moved.code == expected
    assert copied(moved, source) == 2  # the two assignments inside, not the branch itself
