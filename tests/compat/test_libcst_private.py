"""libcst's private code generation API, checked against the public behaviour each use stands in
for: lines equal to `PositionProvider`'s, printed statements equal to `module.code`, on every
Python file of the repository; and the installed libcst inside the range pyproject.toml names."""

from __future__ import annotations

import re
from importlib.metadata import requires, version
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider
from packaging.requirements import Requirement

from cog2fal.compat.libcst_private import SUPPORTED, LineRecorder, NestingTooDeep, VerbatimStatement
from tests.conftest import ROOT
from tests.reading.python_files import PYTHON_FILES


def test_the_installed_libcst_is_in_the_proven_range() -> None:
    # cog2fal's installed metadata: scripts/test.sh reinstalls it from pyproject.toml each run.
    (libcst,) = [Requirement(r) for r in requires("cog2fal") or () if r.startswith("libcst")]
    assert re.search(r"<\d", str(libcst.specifier)), "an upper bound: the private API may change"
    assert libcst.specifier.contains(version("libcst"))
    assert SUPPORTED


def record(module: cst.Module) -> LineRecorder:
    return LineRecorder(module, max_depth=1000).run(module)


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_lines_are_libcst_positions_and_statements_print_as_libcst_prints(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = {node: (r.start.line, r.end.line) for node, r in wrapper.resolve(PositionProvider).items()}
    recorded = record(module)
    lines = recorded.lines
    assert {node: lines.get(id(node)) for node in expected} == expected
    assert "".join(recorded.tokens) == module.code
    # Each top-level statement replaced by the tokens recorded for it prints the same module.
    verbatim = [VerbatimStatement(tuple(recorded.tokens[found.first:found.end]))
                if (found := recorded.statements.get(id(statement))) else statement
                for statement in module.body]
    assert module.with_changes(body=verbatim).code == module.code


def test_lines_cover_crlf_and_continuations() -> None:
    text = "x = (1,\r\n     2)\r\ndef f(\\\n  a):\r\n    return a\r\n"
    module = cst.parse_module(text)
    lines = record(module).lines
    assign, func = module.body
    assert lines[id(assign)] == (1, 2)
    assert lines[id(func)] == (3, 5)


def test_an_elif_branch_has_no_text_of_its_own() -> None:
    module = cst.parse_module("if a:\n    x = 1\nelif b:\n    x = 2\n")
    outer = module.body[0]
    assert isinstance(outer, cst.If) and isinstance(outer.orelse, cst.If)
    statements = record(module).statements
    assert id(outer) in statements and id(outer.orelse) not in statements


def test_nesting_past_the_limit_stops_at_its_line() -> None:
    module = cst.parse_module("x = 1\ny = " + "[" * 30 + "]" * 30 + "\n")
    with pytest.raises(NestingTooDeep) as caught:
        LineRecorder(module, max_depth=20).run(module)
    assert caught.value.line == 2


def test_a_verbatim_statement_is_left_alone_by_visitors() -> None:
    class RenameAll(cst.CSTTransformer):
        def leave_Name(self, original_node, updated_node):
            return updated_node.with_changes(value="z")

    statement = VerbatimStatement(("x", " = ", "1", "\n"))
    module = cst.Module(body=[statement])
    assert module.visit(RenameAll()).code == "x = 1\n"
