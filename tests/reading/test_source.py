"""Reading one Python file: refused where later passes could not follow it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cog2fal.errors import CogProjectError
from cog2fal.reading.positions import MAX_DEPTH
from cog2fal.reading.source import parse_source


def test_too_deep_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.py"
    path.write_text("a = 1\nx = " + "[" * (MAX_DEPTH + 10) + "]" * (MAX_DEPTH + 10) + "\n")
    with pytest.raises(CogProjectError) as error:
        parse_source(path, "deep.py")
    assert error.value.line == 2
    assert "nests too deeply" in error.value.message
