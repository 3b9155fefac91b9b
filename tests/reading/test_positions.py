"""The positions pass: libcst's line numbers (compared node by node in
tests/compat/test_libcst_private.py), and the guard against trees too deep for later passes."""

from __future__ import annotations

import libcst as cst
import pytest

from cog2fal.reading.positions import MAX_DEPTH, NestingTooDeep, positions


def test_positions_hold_lines_tokens_and_statements() -> None:
    module = cst.parse_module("import os\n\ndef f(\n    a,\n):\n    return a\n")
    found = positions(module)
    imports, func = module.body
    assert found.lines[id(imports)] == (1, 1) and found.lines[id(func)] == (3, 6)
    assert "".join(found.tokens) == module.code
    assert set(found.statements) >= {id(imports), id(func)}


def test_too_deep_a_tree_is_refused_with_the_line_reached() -> None:
    deep = "x = 1\n\ny = " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(NestingTooDeep) as caught:
        positions(cst.parse_module(deep))
    assert caught.value.line == 3
