"""The positions pass gives libcst's own line numbers, node by node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider

from cog2fal.reading.positions import positions
from tests.conftest import ROOT
from tests.reading.python_files import PYTHON_FILES


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_lines_are_libcst_positions(path: Path) -> None:
    module = cst.parse_module(path.read_text(encoding="utf-8"))
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    expected = {node: (r.start.line, r.end.line) for node, r in wrapper.resolve(PositionProvider).items()}
    lines = positions(module).lines
    assert {node: lines.get(id(node)) for node in expected} == expected


def test_lines_cover_crlf_and_continuations() -> None:
    text = "x = (1,\r\n     2)\r\ndef f(\\\n  a):\r\n    return a\r\n"
    module = cst.parse_module(text)
    lines = positions(module).lines
    assign, func = module.body
    assert lines[id(assign)] == (1, 2)
    assert lines[id(func)] == (3, 5)
