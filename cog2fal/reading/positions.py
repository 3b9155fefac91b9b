"""The positions pass: one code generation of a parsed file that records each node's lines.

Every `file:line` cog2fal reports comes from here. The same pass keeps each statement's generated
code, which the final print of a rewritten file copies back for what the rules left unchanged
(writing/rewrites/printing.py), and it is the guard against trees too deep for the later passes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import NamedTuple

import libcst as cst

try:  # the state libcst's own PositionProvider extends; private, hence the fallback
    from libcst._nodes.internal import CodegenState
except ImportError:  # pragma: no cover
    CodegenState = None  # type: ignore[assignment,misc]

_NEWLINES = re.compile(r"\r\n?|\n")
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
    """Code generation that records each node's first and last line, and where each statement's
    code sits among the tokens.

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
