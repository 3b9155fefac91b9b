"""The positions pass: one code generation of a parsed file that records each node's lines.

Every `file:line` cog2fal reports comes from here. The same pass keeps each statement's generated
code, which the final print of a rewritten file copies back for what the rules left unchanged
(writing/codemod/printing.py), and it is the guard against trees too deep for the later passes.
The pass runs on libcst's private code generation state, contained in compat/libcst_private.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from cog2fal.compat.libcst_private import SUPPORTED, Generated, LineRecorder, NestingTooDeep

__all__ = ["MAX_DEPTH", "Generated", "NestingTooDeep", "Positions", "positions"]

# How deep a file's syntax tree may nest. The passes over it (libcst's visitors and code
# generation) recurse about three Python frames per level; 150 levels keep them well inside
# Python's default recursion limit. Real code stays far below (99.9% of the files of a large
# virtualenv nest less than 140 levels, the fixtures 40); deeper are generated tables.
MAX_DEPTH = 150


@dataclass
class Positions:
    lines: dict[int, tuple[int, int]]  # id(node) → first and last line (the tree is kept alive)
    tokens: list[str] = field(default_factory=list)  # the module's code, as generated
    statements: dict[int, Generated] = field(default_factory=dict)  # id(statement) → its tokens


def positions(module: cst.Module) -> Positions:
    """Each node of `module` → (first line, last line), as libcst's PositionProvider has them,
    and each statement's generated code.

    Raises NestingTooDeep, with the line reached, when the tree nests deeper than MAX_DEPTH."""
    if not SUPPORTED:  # pragma: no cover
        from libcst.metadata import MetadataWrapper, PositionProvider
        found = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        return Positions({id(node): (r.start.line, r.end.line) for node, r in found.items()})
    state = LineRecorder(module, MAX_DEPTH).run(module)
    return Positions(state.lines, state.tokens, state.statements)
