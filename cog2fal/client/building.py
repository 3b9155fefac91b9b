"""Small libcst builders the rules share: the receiver a fal call goes to, call arguments, and
the Python that sends Replicate's `input` to fal."""

from __future__ import annotations

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


def is_plain_value(node: cst.BaseExpression) -> bool:
    """A value that cannot be a file: literals, f-strings, names, arithmetic, and containers of
    those. Open files, paths and unknown calls are not plain."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString, cst.Integer,
                         cst.Float, cst.Imaginary, cst.Name, cst.Attribute, cst.Subscript,
                         cst.Comparison)):
        return not (isinstance(node, cst.Name) and node.value in ("file", "fh", "handle"))
    if isinstance(node, (cst.BinaryOperation,)):
        return is_plain_value(node.left) and is_plain_value(node.right)
    if isinstance(node, cst.UnaryOperation):
        return is_plain_value(node.expression)
    if isinstance(node, (cst.List, cst.Tuple, cst.Set)):
        return all(isinstance(e, cst.Element) and is_plain_value(e.value) for e in node.elements)
    if isinstance(node, cst.Dict):
        return all(isinstance(e, cst.DictElement) and is_plain_value(e.value) for e in node.elements)
    if isinstance(node, cst.IfExp):
        return is_plain_value(node.body) and is_plain_value(node.orelse)
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value in _PLAIN_CALLS:
        return True
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and \
            node.func.attr.value in ("format", "strip", "lower", "upper", "join", "replace", "get"):
        return True
    return False


def fal_arguments(value: cst.BaseExpression | None) -> tuple[cst.BaseExpression, bool]:
    """The `arguments` of a fal call from Replicate's `input`: a dict of plain values as it is;
    anything that may hold an open file or a `pathlib.Path` through the helper, which sends
    files as Replicate's client did. Returns the expression and whether it uses the helper."""
    if value is None:
        return cst.Dict([]), False
    if isinstance(value, cst.Dict) and is_plain_value(value):
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
