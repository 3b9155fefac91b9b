"""Small libcst builders the rules share: the receiver a fal call goes to, call arguments, and
the Python that sends Replicate's `input` to fal."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

HELPER_MODULE = "fal_replicate_compat"

# Calls whose result can hold no file: arguments built from them need no file handling.
_PLAIN_CALLS = {"str", "int", "float", "bool", "len", "round", "min", "max", "abs", "sum", "dict",
                "list", "tuple", "sorted", "format", "repr"}


def dotted(text: str) -> cst.BaseExpression:
    return cst.parse_expression(text)


def helper(name: str) -> cst.BaseExpression:
    return dotted(f"{HELPER_MODULE}.{name}")


def call(func: cst.BaseExpression | str, *args: cst.Arg) -> cst.Call:
    return cst.Call(func=dotted(func) if isinstance(func, str) else func, args=list(args))


def arg(value: cst.BaseExpression | str, keyword: str | None = None) -> cst.Arg:
    value = dotted(value) if isinstance(value, str) else value
    if keyword is None:
        return cst.Arg(value=value)
    return cst.Arg(value=value, keyword=cst.Name(keyword),
                   equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                         whitespace_after=cst.SimpleWhitespace("")))


def string(text: str) -> cst.SimpleString:
    return cst.SimpleString(repr(text) if '"' in text else f'"{text}"')


def keyword_of(args: list[cst.Arg] | tuple[cst.Arg, ...], name: str) -> cst.Arg | None:
    return next((a for a in args if a.keyword is not None and a.keyword.value == name), None)


def positional(args: list[cst.Arg] | tuple[cst.Arg, ...]) -> list[cst.Arg]:
    return [a for a in args if a.keyword is None and not a.star]


_FILE_WORDS = ("file", "image", "img", "audio", "video", "mask", "path", "fh", "photo", "upload", "zip")


def may_hold_file_by_name(node: cst.BaseExpression) -> bool:
    name = (node.value if isinstance(node, cst.Name)
            else node.attr.value if isinstance(node, cst.Attribute)
            else "")
    name = name.lower()
    if any(word in name
           for word in ("num", "count", "size", "url", "prompt", "width", "height", "format", "type")):
        return False
    return any(word in name for word in _FILE_WORDS)


def is_plain_value(
    node: cst.BaseExpression, holds_file: Callable[[cst.BaseExpression], bool] | None = None,
) -> bool:
    """A value that cannot be a file: literals, f-strings, arithmetic, names that are not bound to
    an open file or a path (`holds_file` says), and containers of those. Open files, paths and
    unknown calls are not plain."""
    holds_file = holds_file or may_hold_file_by_name
    if isinstance(node, (cst.Name, cst.Attribute, cst.Subscript)):
        return not holds_file(node)
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer,
                         cst.Float, cst.Imaginary, cst.Comparison, cst.Ellipsis)):
        return True
    if isinstance(node, (cst.BinaryOperation,)):
        return is_plain_value(node.left, holds_file) and is_plain_value(node.right, holds_file)
    if isinstance(node, cst.UnaryOperation):
        return is_plain_value(node.expression, holds_file)
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return all(isinstance(e, cst.Element) and is_plain_value(e.value, holds_file) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and is_plain_value(e.value, holds_file)
                   for e in node.elements)
    if isinstance(node, cst.IfExp):
        return is_plain_value(node.body, holds_file) and is_plain_value(node.orelse, holds_file)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in _PLAIN_CALLS:
        return True
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
            node.func.attr.value in ("format", "strip", "lower", "upper", "join", "replace", "get"):
        return True
    return False


def fal_arguments(value: cst.BaseExpression | None,
                  holds_file: Callable[[cst.BaseExpression], bool] | None = None,
                  written: cst.BaseExpression | None = None) -> tuple[cst.BaseExpression, bool]:
    """The `arguments` of a fal call from Replicate's `input`: a dict of plain values as it is;
    anything that may hold an open file or a `pathlib.Path` through the helper, which sends
    files as Replicate's client did. `written` is the input as the original tree has it, where
    names can be looked up. Returns the expression and whether it uses the helper."""
    if value is None:
        return cst.Dict([]), False
    if isinstance(value, cst.Dict) and is_plain_value(written if written is not None else value, holds_file):
        return value, False
    return call(helper("arguments"), cst.Arg(value=value)), True


def kwargs_dict(args: list[cst.Arg]) -> cst.BaseExpression:
    """`predict(prompt="x", **extra)` → `{"prompt": "x", **extra}`: the inputs of the removed
    `version.predict()`."""
    elements: list[cst.BaseDictElement] = []
    for item in args:
        if item.star == "**":
            elements.append(cst.StarredDictElement(value=item.value))
        elif item.keyword is not None:
            elements.append(cst.DictElement(key=string(item.keyword.value), value=item.value))
    return cst.Dict(elements)
