"""Parsing one Python file of the project: compile-checked, then a libcst tree with positions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from cog2fal.errors import CogProjectError


@dataclass
class SourceFile:
    display: str  # path relative to the project root, POSIX
    text: str
    module: cst.Module
    wrapper: MetadataWrapper
    _positions: dict | None = None

    def line_of(self, node: cst.CSTNode) -> int:
        if self._positions is None:
            self._positions = dict(self.wrapper.resolve(PositionProvider))
        position = self._positions.get(node)
        return position.start.line if position is not None else 1

    def lines_of(self, node: cst.CSTNode) -> tuple[int, int]:
        self.line_of(node)
        assert self._positions is not None
        position = self._positions.get(node)
        return (position.start.line, position.end.line) if position is not None else (0, 0)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


def read_text(path: Path, display: str) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CogProjectError("file does not exist", display) from None
    except OSError as exc:
        raise CogProjectError(f"cannot read file: {exc.strerror}", display) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CogProjectError("not UTF-8 text", display, line) from None


def check_compiles(text: str, display: str) -> None:
    """`ast.parse` accepts `f(a=1, a=2)`; only compiling finds it. Compiling runs nothing."""
    try:
        compile(text, display, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise CogProjectError(f"syntax error: {exc.msg}", display, exc.lineno or 1) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise CogProjectError(f"cannot compile: {exc}", display, 1) from None


def parse_source(path: Path, display: str, text: str | None = None) -> SourceFile:
    text = read_text(path, display) if text is None else text
    check_compiles(text, display)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise CogProjectError(f"syntax error: {exc.message}", display, exc.raw_line) from None
    except RecursionError:
        raise CogProjectError("code nests too deeply to convert", display, 1) from None
    return SourceFile(display, text, module, MetadataWrapper(module, unsafe_skip_copy=True))
