"""Which object each name of a module refers to, following its imports in order.

`from cog import Path as CogPath` next to `from pathlib import Path` is common: annotations are
resolved through these bindings, never by a name's spelling.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

import libcst as cst

from cog2fal.reading.cog_api import STAR_EXPORTS

_CANONICAL_PREFIXES = {
    "typing_extensions.": "typing.",
    "collections.abc.": "typing.",
    "pydantic.main.": "pydantic.",
    "cog.types.": "cog.",
    "cog.predictor.": "cog.",
    "cog.base_predictor.": "cog.",
    "cog.base_runner.": "cog.",
    "cog.server.scope.": "cog.",
    "cog.input.": "cog.",
    "cog.model.": "cog.",
}
_BUILTIN_NAMES = set(dir(builtins))


def canonical(qualname: str) -> str:
    for prefix, replacement in _CANONICAL_PREFIXES.items():
        if qualname.startswith(prefix):
            return replacement + qualname[len(prefix):]
    return qualname


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` → "a.b.c"; anything else → None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted_name(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


@dataclass
class Bindings:
    """Name → qualified name, as they stand at one point of the module."""

    names: dict[str, str] = field(default_factory=dict)
    local_classes: set[str] = field(default_factory=set)

    def resolve(self, node: cst.BaseExpression) -> str | None:
        dotted = dotted_name(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.names:
            base = self.names[head]
        elif head in self.local_classes:
            base = f"<local>.{head}"
        elif head in _BUILTIN_NAMES:
            base = f"builtins.{head}"
        else:
            base = f"<unknown>.{head}"
        return canonical(f"{base}.{rest}" if rest else base)

    def copy(self) -> Bindings:
        return Bindings(dict(self.names), set(self.local_classes))


def _module_name(node: cst.BaseExpression | None) -> str:
    return dotted_name(node) if node is not None else ""


def _apply(statement: cst.CSTNode, bindings: Bindings) -> None:
    if isinstance(statement, cst.SimpleStatementLine):
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    full = dotted_name(alias.name) or ""
                    if alias.asname is not None:
                        bindings.names[alias.asname.name.value] = canonical(full)
                    else:
                        head = full.split(".")[0]
                        bindings.names[head] = head
            elif isinstance(small, cst.ImportFrom) and not small.relative:
                module = _module_name(small.module)
                if isinstance(small.names, cst.ImportStar):
                    if module == "cog":  # `from cog import *`: Cog's public names
                        for name in STAR_EXPORTS:
                            bindings.names[name] = f"cog.{name}"
                    continue
                for alias in small.names:
                    name = dotted_name(alias.name) or ""
                    local = alias.asname.name.value if alias.asname is not None else name
                    bindings.names[local] = canonical(f"{module}.{name}")
                    bindings.local_classes.discard(local)
            elif isinstance(small, cst.ImportFrom):  # relative import: a local module
                for alias in ([] if isinstance(small.names, cst.ImportStar) else small.names):
                    name = dotted_name(alias.name) or ""
                    local = alias.asname.name.value if alias.asname is not None else name
                    bindings.names[local] = f"<relative>.{name}"
    elif isinstance(statement, cst.ClassDef):
        bindings.local_classes.add(statement.name.value)
        bindings.names.pop(statement.name.value, None)
    elif isinstance(statement, cst.If):
        for child in statement.body.body:
            _apply(child, bindings)
    elif isinstance(statement, cst.Try):
        for child in statement.body.body:
            _apply(child, bindings)


def bindings_before(module: cst.Module, stop: cst.CSTNode | None = None) -> Bindings:
    """Bindings in effect just before `stop` (a top-level statement), or at the module's end."""
    bindings = Bindings()
    for statement in module.body:
        if statement is stop:
            break
        _apply(statement, bindings)
    return bindings


def has_future_annotations(module: cst.Module) -> bool:
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.ImportFrom) and _module_name(small.module) == "__future__":
                    names = small.names
                    if not isinstance(names, cst.ImportStar) and any(
                            dotted_name(a.name) == "annotations" for a in names):
                        return True
    return False
