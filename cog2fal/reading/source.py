"""Parsing one Python file of the project: compile-checked, then a libcst tree with positions."""

from __future__ import annotations

import ast
import itertools
import re
import tokenize
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import libcst as cst

from cog2fal.errors import CogProjectError

try:  # the state libcst's own PositionProvider extends; private, hence the fallback
    from libcst._nodes.internal import CodegenState
except ImportError:  # pragma: no cover
    CodegenState = None  # type: ignore[assignment,misc]

_NEWLINES = re.compile(r"\r\n?|\n")
# Dotted names, subscripts, commas and `|`, and nothing else (no two words side by side).
_ANNOTATION = re.compile(r"\s*[A-Za-z_][\w.]*(?:\s*[][,|]\s*(?:[A-Za-z_][\w.]*)?)*\s*")
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
# How deep a file's syntax tree may nest. The passes over it (libcst's visitors and code
# generation) recurse about three Python frames per level; 150 levels keep them well inside
# Python's default recursion limit. Real code stays far below (99.9% of the files of a large
# virtualenv nest less than 140 levels, the fixtures 40); deeper are generated tables.
MAX_DEPTH = 150


# The concrete statement classes: their generated text is kept, for the final print to reuse.
_STATEMENT_TYPES = frozenset(
    kind for kind in vars(cst).values() if isinstance(kind, type) and issubclass(kind, cst.BaseStatement))


class Generated(NamedTuple):
    """Where one statement's code sits in the tokens of the positions pass, and the indentation
    it was generated under (its text is only valid again at the same indentation)."""

    first: int
    end: int
    indent: str


def _opens_with_if(tokens: list[str], first: int) -> bool:
    """False for an `elif` branch: generated as `elif`, its text cannot stand as a statement.
    (Its leading lines are whitespace and `#` comments, never the bare keyword.)"""
    return next(token for token in itertools.islice(tokens, first, None) if token in ("if", "elif")) == "if"


class NestingTooDeep(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class _LineState(CodegenState or object):  # type: ignore[misc]
    """Code generation that records each node's first and last line and nothing else.

    The lines are those of libcst's `PositionProvider` (the syntactic start and end, decorators
    and leading comments excluded), without the column bookkeeping and the objects it creates
    per node, and without the metadata wrapper's extra pass over the tree."""

    def __init__(self, module: cst.Module):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.line = 1
        self.starts: list[int] = []
        self.lines: dict[int, tuple[int, int]] = {}  # keyed by id(node): hashing a node costs a call
        self.statement_starts: list[tuple[int, str]] = []
        self.statements: dict[int, Generated] = {}
        self.syntactic: list[tuple[cst.CSTNode, cst.CSTNode | None, cst.CSTNode | None, int]] = []

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self.line += len(_NEWLINES.findall(value))

    def before_codegen(self, node: cst.CSTNode) -> None:
        if len(self.starts) >= MAX_DEPTH:
            raise NestingTooDeep(self.line)
        self.starts.append(self.line)
        if type(node) in _STATEMENT_TYPES:
            self.statement_starts.append((len(self.tokens), "".join(self.indent_tokens)))

    def after_codegen(self, node: cst.CSTNode) -> None:
        # A syntactic position (recorded first, in __exit__) wins.
        self.lines.setdefault(id(node), (self.starts.pop(), self.line))
        if type(node) in _STATEMENT_TYPES:
            first, indent = self.statement_starts.pop()
            if type(node) is not cst.If or _opens_with_if(self.tokens, first):
                self.statements[id(node)] = Generated(first, len(self.tokens), indent)

    def record_syntactic_position(self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
                                  end_node: cst.CSTNode | None = None) -> _LineState:
        # The state itself is the context manager (libcst's is a generator, which costs more):
        # `with` calls __enter__ right after this, before any token, so the line is taken now.
        self.syntactic.append((node, start_node, end_node, self.line))
        return self

    def __enter__(self) -> None:
        pass

    def __exit__(self, kind: object, *_: object) -> None:
        node, start_node, end_node, start = self.syntactic.pop()
        if kind is not None:  # an error (NestingTooDeep) ends the pass: nothing to record then
            return
        lines = self.lines
        if start_node is not None:
            start = lines[id(start_node)][0]
        lines[id(node)] = (start, lines[id(end_node)][1] if end_node is not None else self.line)


@dataclass
class Positions:
    lines: dict[int, tuple[int, int]]  # id(node) → first and last line (the tree is kept alive)
    tokens: list[str] = field(default_factory=list)  # the module's code, as generated
    statements: dict[int, Generated] = field(default_factory=dict)  # id(statement) → its tokens


def positions(module: cst.Module) -> Positions:
    """Each node of `module` → (first line, last line), as libcst's PositionProvider has them,
    and each statement's generated code.

    Raises NestingTooDeep, with the line reached, when the tree nests deeper than MAX_DEPTH."""
    if CodegenState is None:  # pragma: no cover
        from libcst.metadata import MetadataWrapper, PositionProvider
        found = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return Positions({id(node): (r.start.line, r.end.line) for node, r in found.items()})
    state = _LineState(module)
    try:
        module._codegen(state)
    except RecursionError:
        raise NestingTooDeep(state.line) from None
    return Positions(state.lines, state.tokens, state.statements)




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
            self._names = _count_names(tree)
        return self._names

    def is_generator(self, func: cst.FunctionDef) -> bool | None:
        """Whether `func` (a function of this file) yields; None when Python's tree is missing."""
        tree = self.python_tree()
        found = _python_function(tree, self.lines_of(func)[0], func.name.value) if tree else None
        if found is None:
            return None
        stack: list[ast.AST] = list(found.body)
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.Yield, ast.YieldFrom)):
                return True
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.extend(ast.iter_child_nodes(node))
        return False

    def lines_of(self, node: cst.CSTNode) -> tuple[int, int]:
        """First and last line of a node of the original tree; (0, 0) for any other node."""
        return self.positions.lines.get(id(node), (0, 0))

    def line_of(self, node: cst.CSTNode) -> int:
        return self.lines_of(node)[0] or 1

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)


def _python_function(tree: ast.Module, line: int, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The function defined by `def name` on `line`, looked for among statements only."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno == line \
                and node.name == name:
            return node
        for field_name in ("body", "orelse", "handlers", "finalbody", "cases"):
            children = getattr(node, field_name, None)
            if isinstance(children, list):
                stack.extend(children)
    return None


def annotation_names(text: str) -> list[str]:
    """The names in a string that reads as an annotation (`"Path"`, `"List[Path]"`, `"A | None"`);
    none for prose (`"Input image"`) or long text."""
    if len(text) > 200 or not _ANNOTATION.fullmatch(text):
        return []
    return _IDENTIFIER.findall(text)


def _count_names(tree: ast.AST) -> Counter[str]:
    """`ast.Name` ids, and the names in string annotations. A hand-rolled walk: `ast.walk`
    costs about three times as much."""
    counts: Counter[str] = Counter()
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        kind = type(node)
        if kind is ast.Name:
            counts[node.id] += 1  # type: ignore[attr-defined]
        elif kind is ast.Constant:
            value = node.value  # type: ignore[attr-defined]
            if type(value) is str:
                counts.update(annotation_names(value))
        else:
            for name in getattr(kind, "_fields", ()):
                child = getattr(node, name, None)
                if type(child) is list:
                    stack.extend(child)
                elif isinstance(child, ast.AST):
                    stack.append(child)
    return counts


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
