"""Annotation expressions → `TypeRef`, resolved through the module's import bindings."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from cog2fal.project import TypeRef
from cog2fal.reading.bindings import Bindings

_SIMPLE = {
    "builtins.str": "str", "builtins.int": "int", "builtins.float": "float",
    "builtins.bool": "bool", "builtins.dict": "dict", "typing.Dict": "dict",
    "typing.Mapping": "dict", "typing.Any": "any", "builtins.object": "any",
    "cog.Path": "path", "cog.URLPath": "path", "pathlib.Path": "path", "cog.File": "file",
    "cog.URLFile": "file", "cog.Secret": "secret", "builtins.None": "none",
    "cog.Image": "path", "cog.Weights": "path",
    "typing.TypedDict": "dict",
}
_LISTS = {"builtins.list", "typing.List", "typing.Sequence", "builtins.tuple", "typing.Tuple"}
_ITERATORS = {"typing.Iterator", "typing.Generator", "typing.Iterable"}
_ASYNC_ITERATORS = {"typing.AsyncIterator", "typing.AsyncGenerator", "typing.AsyncIterable"}
_CONCATENATE = {"cog.ConcatenateIterator": False, "cog.AsyncConcatenateIterator": True}


def _subscript_args(node: cst.Subscript) -> list[cst.BaseExpression]:
    args = []
    for element in node.slice:
        if isinstance(element.slice, cst.Index):
            args.append(element.slice.value)
    if len(args) == 1 and isinstance(args[0], cst.Tuple):
        return [el.value for el in args[0].elements]
    return args


class AnnotationResolver:
    """Turns annotations into TypeRefs; `is_model` says whether a local class is a BaseModel."""

    def __init__(self, bindings: Bindings, is_model: Callable[[str], bool]):
        self.bindings = bindings
        self.is_model = is_model

    def resolve(self, node: cst.BaseExpression | None) -> TypeRef:
        if node is None:
            return TypeRef("any")
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            text = node.evaluated_value
            if isinstance(text, str):
                try:
                    return self.resolve(cst.parse_expression(text))
                except cst.ParserSyntaxError:
                    return TypeRef("unknown", name=text)
        if isinstance(node, cst.Name) and node.value == "None":
            return TypeRef("none")
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            return self._union([self.resolve(node.left), self.resolve(node.right)])
        if isinstance(node, cst.Subscript):
            return self._generic(node)
        qualname = self.bindings.resolve(node)
        if qualname is None:
            return TypeRef("unknown", name=cst.Module([]).code_for_node(node))
        if qualname in _SIMPLE:
            kind = _SIMPLE[qualname]
            return TypeRef(kind, name="pathlib" if qualname == "pathlib.Path" else None)  # type: ignore[arg-type]
        if qualname in _LISTS:
            return TypeRef("list", (TypeRef("any"),))
        if qualname in _ITERATORS or qualname in _ASYNC_ITERATORS:
            return TypeRef("iterator", (TypeRef("any"),), is_async=qualname in _ASYNC_ITERATORS)
        if qualname in _CONCATENATE:
            return TypeRef("concatenate", (TypeRef("str"),), is_async=_CONCATENATE[qualname])
        if qualname.startswith("<local>.") and self.is_model(qualname.split(".", 1)[1]):
            return TypeRef("model", name=qualname.split(".", 1)[1])
        if qualname in ("cog.BaseModel", "pydantic.BaseModel"):
            return TypeRef("dict")
        return TypeRef("unknown", name=cst.Module([]).code_for_node(node))

    def _union(self, members: list[TypeRef]) -> TypeRef:
        flat: list[TypeRef] = []
        for member in members:
            flat.extend(member.args if member.kind == "union" else [member])
        non_null = [m for m in flat if m.kind != "none"]
        if len(non_null) == 1 and len(flat) > 1:
            return TypeRef("optional", (non_null[0],))
        if len(non_null) < len(flat):
            return TypeRef("optional", (TypeRef("union", tuple(non_null)),))
        return TypeRef("union", tuple(flat))

    def _generic(self, node: cst.Subscript) -> TypeRef:
        origin = self.bindings.resolve(node.value)
        args = [self.resolve(arg) for arg in _subscript_args(node)]
        if origin in _LISTS:
            if origin in ("builtins.tuple", "typing.Tuple"):
                args = [a for a in args if a.kind != "unknown" or a.name != "..."][:1]
            return TypeRef("list", (args[0] if args else TypeRef("any"),))
        if origin == "typing.Optional" and args:
            return TypeRef("optional", (args[0],))
        if origin == "typing.Union":
            return self._union(args)
        if origin in _ITERATORS or origin in _ASYNC_ITERATORS:
            return TypeRef("iterator", (args[0] if args else TypeRef("any"),),
                           is_async=origin in _ASYNC_ITERATORS)
        if origin in _CONCATENATE:
            return TypeRef("concatenate", (args[0] if args else TypeRef("str"),),
                           is_async=_CONCATENATE[origin])
        if origin in ("builtins.dict", "typing.Dict", "typing.Mapping"):
            return TypeRef("dict")
        if origin == "typing.Annotated" and args:
            return args[0]
        if origin == "typing.Literal":
            return TypeRef("unknown", name=cst.Module([]).code_for_node(node))
        return TypeRef("unknown", name=cst.Module([]).code_for_node(node))
