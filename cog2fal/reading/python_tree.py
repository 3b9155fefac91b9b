"""Questions about a file answered from Python's own `ast` tree, where a libcst pass would
cost several times as much (it rebuilds every node it enters): which names the code uses, and
whether a function yields."""

from __future__ import annotations

import ast
import re
from collections import Counter

# Dotted names, subscripts, commas and `|`, and nothing else (no two words side by side).
_ANNOTATION = re.compile(r"\s*[A-Za-z_][\w.]*(?:\s*[][,|]\s*(?:[A-Za-z_][\w.]*)?)*\s*")
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


def find_function(tree: ast.Module, line: int, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
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


def count_names(tree: ast.AST) -> Counter[str]:
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


def yields(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function's own body has a `yield` (nested functions, lambdas and classes
    are theirs)."""
    stack: list[ast.AST] = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return False
