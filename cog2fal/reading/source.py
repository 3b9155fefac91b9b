"""Parsing one Python file of the project: compile-checked, then a libcst tree with positions."""

from __future__ import annotations

import ast
import tokenize
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst

from cog2fal.errors import CogProjectError
from cog2fal.reading.positions import MAX_DEPTH, NestingTooDeep, Positions, positions
from cog2fal.reading.python_tree import count_names, find_function, yields


@dataclass
class SourceFile:
    display: str  # path relative to the project root, POSIX
    text: str
    module: cst.Module
    positions: Positions
    encoding: str = "utf-8"  # as Python reads the file (BOM, PEP 263 line); the output keeps it
    _tree: ast.Module | None = field(default=None, repr=False)
    _names: Counter[str] | None = field(default=None, repr=False)

    def python_tree(self) -> ast.Module | None:
        """Python's own tree of the file, for questions a libcst pass answers at a much higher
        cost (it rebuilds every node). None when Python cannot build it (nesting too deep)."""
        if self._tree is None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    self._tree = ast.parse(self.text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None
        return self._tree

    def name_uses(self) -> Counter[str] | None:
        """How often each name is used outside import statements (string annotations count)."""
        if self._names is None:
            tree = self.python_tree()
            if tree is None:
                return None
            self._names = count_names(tree)
        return self._names

    def is_generator(self, func: cst.FunctionDef) -> bool | None:
        """Whether `func` (a function of this file) yields; None when Python's tree is missing."""
        tree = self.python_tree()
        found = find_function(tree, self.lines_of(func)[0], func.name.value) if tree else None
        return None if found is None else yields(found)

    def lines_of(self, node: cst.CSTNode) -> tuple[int, int]:
        """First and last line of a node of the original tree; (0, 0) for any other node."""
        return self.positions.lines.get(id(node), (0, 0))

    def line_of(self, node: cst.CSTNode) -> int:
        return self.lines_of(node)[0] or 1

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


def read_text(path: Path, display: str) -> tuple[str, str]:
    """The file's text and its encoding: UTF-8 unless a byte order mark or a PEP 263 line
    (`# -*- coding: latin-1 -*-`) says otherwise, as Python itself reads source files."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CogProjectError("file does not exist", display) from None
    except OSError as exc:
        raise CogProjectError(f"cannot read file: {exc.strerror}", display) from None
    lines = iter(data.splitlines(keepends=True)[:2])
    try:
        encoding, _ = tokenize.detect_encoding(lambda: next(lines, b""))
    except SyntaxError as exc:  # an unknown encoding, or a BOM and a coding line that disagree
        raise CogProjectError(f"cannot read the encoding declaration: {exc.msg}", display,
                              _declaration_line(data)) from None
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        name = "UTF-8" if encoding.startswith("utf-8") else encoding
        raise CogProjectError(f"not {name} text", display, line) from None
    except LookupError:  # a codec that is not a text encoding (rot13, zlib)
        raise CogProjectError(f"`{encoding}` is not a text encoding", display,
                              _declaration_line(data)) from None


def _declaration_line(data: bytes) -> int:
    second = data.split(b"\n", 2)[1:2]
    return 2 if second and b"coding" in second[0] and b"coding" not in data.split(b"\n", 1)[0] else 1


def check_compiles(text: str, display: str) -> None:
    """`ast.parse` accepts `f(a=1, a=2)`; only compiling finds it. Compiling runs nothing."""
    try:
        with warnings.catch_warnings():  # the model's SyntaxWarnings are not ours to print
            warnings.simplefilter("ignore")
            compile(text, display, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise CogProjectError(f"syntax error: {exc.msg}", display, exc.lineno or _nul_line(text)) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise CogProjectError(f"cannot compile: {exc}", display, _nul_line(text)) from None


def _nul_line(text: str) -> int:
    """Python refuses NUL bytes in source without saying where (no line): the first one's line."""
    return text.count("\n", 0, text.index("\0")) + 1 if "\0" in text else 1


def parse_source(path: Path, display: str) -> SourceFile:
    text, encoding = read_text(path, display)
    check_compiles(text, display)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        # Python compiled it: libcst is what cannot read it (rare constructs, huge literals).
        raise CogProjectError(f"libcst cannot parse this file, which Python compiles: {exc.message}",
                              display, exc.raw_line) from None
    except RecursionError:
        raise CogProjectError("code nests too deeply to convert", display, 1) from None
    try:  # the positions, computed now: this pass also proves the tree is not too deep
        found = positions(module)
    except NestingTooDeep as exc:
        raise CogProjectError(f"code nests too deeply to convert (more than {MAX_DEPTH} levels)",
                              display, exc.line) from None
    return SourceFile(display, text, module, found, encoding)
