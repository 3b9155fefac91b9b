"""Every use cog2fal makes of libcst's private code generation API, and nothing else.

Two things pay for it (measured in benchmarks/bench_batch.py):

* `LineRecorder`: one code generation of a parsed file that records each node's first and last
  line, as libcst's public `PositionProvider` has them, at a fraction of its cost (no column
  bookkeeping, no position objects per node, no extra pass of the metadata wrapper). It also
  keeps where each statement's code sits among the generated tokens.
* `VerbatimStatement`: a statement node that prints tokens generated before, so the final print
  of a rewritten file copies unchanged statements instead of generating them again. The
  printed text equals the public `module.code`.

The private names are `libcst._nodes.internal.CodegenState` (its `tokens`, `indent_tokens` and
the hooks `add_token`, `before_codegen`, `after_codegen`, `record_syntactic_position`),
`CSTNode._codegen`, `CSTNode._codegen_impl` and `CSTNode._visit_and_replace_children`. They are
the same from libcst 1.4 to 1.9; pyproject.toml bounds libcst to that range, and
tests/compat/test_libcst_private.py checks each piece against the public behaviour above. Without
`CodegenState` (`SUPPORTED` is False) callers use the public API instead.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import NamedTuple

import libcst as cst

try:
    from libcst._nodes.internal import CodegenState
except ImportError:  # pragma: no cover  (a libcst outside the proven range)
    CodegenState = None  # type: ignore[assignment,misc]

SUPPORTED = CodegenState is not None

_NEWLINES = re.compile(r"\r\n?|\n")
# The concrete statement classes: their generated text is kept, for the final print to reuse.
_STATEMENT_TYPES = frozenset(
    kind for kind in vars(cst).values() if isinstance(kind, type) and issubclass(kind, cst.BaseStatement))


class NestingTooDeep(Exception):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


class Generated(NamedTuple):
    """Where one statement's code sits in the recorded tokens, and the indentation it was
    generated under (its text is only valid again at the same indentation)."""

    first: int
    end: int
    indent: str


def _opens_with_if(tokens: list[str], first: int) -> bool:
    """False for an `elif` branch: generated as `elif`, its text cannot stand as a statement.
    (Its leading lines are whitespace and `#` comments, never the bare keyword.)"""
    return next(token for token in itertools.islice(tokens, first, None) if token in ("if", "elif")) == "if"


class LineRecorder(CodegenState or object):  # type: ignore[misc]
    """Code generation that records each node's first and last line (`lines`, keyed by
    `id(node)`: hashing a node costs a call) and each statement's tokens (`statements`).

    The lines are those of libcst's `PositionProvider`: the syntactic start and end, decorators
    and leading comments excluded. Raises NestingTooDeep past `max_depth` nested nodes."""

    def __init__(self, module: cst.Module, max_depth: int):
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.max_depth = max_depth
        self.line = 1
        self.starts: list[int] = []
        self.lines: dict[int, tuple[int, int]] = {}
        self.statement_starts: list[tuple[int, str]] = []
        self.statements: dict[int, Generated] = {}
        self.syntactic: list[tuple[cst.CSTNode, cst.CSTNode | None, cst.CSTNode | None, int]] = []

    def run(self, module: cst.Module) -> LineRecorder:
        """Generates `module`'s code into this state."""
        try:
            module._codegen(self)
        except RecursionError:
            raise NestingTooDeep(self.line) from None
        return self

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        if "\n" in value or "\r" in value:
            self.line += len(_NEWLINES.findall(value))

    def before_codegen(self, node: cst.CSTNode) -> None:
        if len(self.starts) >= self.max_depth:
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
                                  end_node: cst.CSTNode | None = None) -> LineRecorder:
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


@dataclass(frozen=True, eq=False)
class VerbatimStatement(cst.BaseStatement):
    """A statement standing for an unchanged original one: its tokens, as generated before.
    Only for printing: no visitor enters it."""

    tokens: tuple[str, ...]

    def _visit_and_replace_children(self, visitor: object) -> VerbatimStatement:
        return self

    def _codegen_impl(self, state: CodegenState) -> None:  # type: ignore[override]
        state.tokens.extend(self.tokens)
