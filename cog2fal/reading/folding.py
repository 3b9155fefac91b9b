"""Static evaluation of the small expressions authors write for `choices=` and defaults.

Folds literals, module constants and a handful of pure builtins (`range`, `sorted`, `list`,
`dict.keys()`, `isinstance`, comprehensions, arithmetic) by interpreting the syntax tree, and the
straight-line bodies of helpers that build an `Input(...)` (`Inputs.num_steps_with(default=28)`:
assignments and `if`, then `return Input(...)`). Nothing of the user's code is executed;
anything outside this subset raises `NotFoldable`.
"""

from __future__ import annotations

import ast
import operator
import re
import string
import textwrap
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


class NotFoldable(Exception):
    """The expression needs the program to run (a call, an import, an unknown name)."""


_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {
    ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_,
}
_COMPARE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_BUILTINS: dict[str, Callable[..., Any]] = {
    "range": range, "sorted": sorted, "list": list, "tuple": tuple, "set": set, "dict": dict,
    "len": len, "min": min, "max": max, "str": str, "int": int, "float": float, "bool": bool,
    "reversed": reversed, "enumerate": enumerate, "zip": zip, "abs": abs, "round": round,
}
_METHODS = {
    dict: {"keys", "values", "items", "get"},
    str: {"upper", "lower", "strip", "split", "join", "replace", "format", "title", "capitalize"},
    list: {"index", "count"},
}
_MAX_SIZE = 10_000  # a literal bigger than this is not a sensible `choices` list
# What one folded value may hold, nested elements and characters counted (shared parts once per
# use, as they would be written out), and what folding one expression may cost: beyond these an
# expression like `[[0] * 10**4] * 10**4`, `"{:>9999999999}".format(1)` or a comprehension over
# two large ranges is not a value to publish but a way to exhaust memory or time.
_MAX_UNITS = 1_000_000
_MAX_STEPS = 200_000
# What folding all the input helpers of one file may cost (steps run and characters parsed): a
# file calling a long helper once per parameter must not cost minutes.
_MAX_HELPER_COST = 1_000_000
_NUMBER = re.compile(r"\d+")
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _children(item: Any) -> list[Any] | None:
    if isinstance(item, dict):
        return [*item.keys(), *item.values()]
    if isinstance(item, (list, tuple, set, frozenset)):
        return list(item)
    return None


def _units(value: Any, budget: int = _MAX_UNITS) -> int:
    """Elements and characters in `value`, counted through nesting: a part shared N times counts
    N times, as it would be written out (or compared, hashed, printed), but is walked once, so
    the count costs the distinct parts only. `budget` is kept for the callers' readability."""
    if _children(value) is None:
        return max(len(value), 1) if isinstance(value, (str, bytes)) else 1
    counted: dict[int, int] = {}
    active: set[int] = set()
    stack = [value]
    while stack:
        item = stack[-1]
        if id(item) in counted:
            stack.pop()
            continue
        children = _children(item) or []
        active.add(id(item))
        pending = [c for c in children if _children(c) is not None and id(c) not in counted]
        if any(id(c) in active for c in pending):
            return budget + 1  # a value that holds itself has no size to publish
        if pending:
            stack.extend(pending)
            continue
        counted[id(item)] = 1 + sum(
            counted[id(c)] if id(c) in counted else
            (max(len(c), 1) if isinstance(c, (str, bytes)) else 1) for c in children)
        active.discard(id(item))
        stack.pop()
    return counted[id(value)]


def _bounded(*values: Any) -> None:
    """Comparing, hashing or printing a value walks all of it: beyond the budget it is not folded."""
    for value in values:
        if _units(value) > _MAX_UNITS:
            raise NotFoldable("value too large")


def _check_width(spec: str) -> None:
    """Format specs (`>10`, `.3f`) whose widths would build a huge string are not folded."""
    if "{" in spec or any(int(n) > _MAX_UNITS for n in _NUMBER.findall(spec)):
        raise NotFoldable("format width too large")


def _check_format_template(template: str) -> None:
    for _, field, spec, _ in string.Formatter().parse(template):
        if field is not None and spec:
            _check_width(spec)


def _check_percent_template(template: str) -> None:
    for match in _PERCENT_SPEC.finditer(template):
        for width in match.groups():
            if width == "*" or (width is not None and int(width) > _MAX_UNITS):
                raise NotFoldable("format width too large")


def _limit(value: Any) -> Any:
    if isinstance(value, range):
        if len(value) > _MAX_SIZE:
            raise NotFoldable("range too large")
    elif isinstance(value, (list, tuple, set, dict, str)) and len(value) > _MAX_SIZE * 10:
        raise NotFoldable("value too large")
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**100:
        raise NotFoldable("number too large")
    return value


def _check_str_method(target: str, method: str, args: list[Any]) -> None:
    """`"x".join(...)`, `.replace()` and `.format()` could build strings far larger than their
    inputs; their size is checked before they run."""
    if method == "format":
        _check_format_template(target)
    elif method == "join" and args and isinstance(args[0], (list, tuple, set, str, dict)):
        items = list(args[0])
        size = sum(len(i) if isinstance(i, str) else 1 for i in items) + len(target) * len(items)
        if size > _MAX_UNITS:
            raise NotFoldable("joined string too large")
    elif method == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        count = target.count(args[0]) if args[0] else len(target) + 1
        if len(target) + count * len(args[1]) > _MAX_UNITS:
            raise NotFoldable("replaced string too large")


class _Opaque:
    """A dict value that needs the program (`{"ddim": DDIMScheduler}`): its key still folds."""

    def __repr__(self) -> str:
        return "<opaque>"


_OPAQUE = _Opaque()


class _Unknown:
    """A helper's parameter bound to an argument that does not fold: passing it on to the
    returned call is fine (that one argument is then not folded), but any use that would need
    its value (a test, a comparison, a hash, text) stops the folding."""

    def __init__(self, reason: str):
        self.reason = reason

    def _refuse(self, *_: Any) -> Any:
        raise NotFoldable(self.reason)

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __bool__ = __hash__ = _refuse  # type: ignore[assignment]
    __str__ = __repr__ = __format__ = __len__ = __iter__ = __contains__ = _refuse  # type: ignore[assignment]


def _contains_opaque(value: Any) -> bool:
    if value is _OPAQUE or isinstance(value, _Unknown):
        return True
    if isinstance(value, dict):
        return any(_contains_opaque(k) or _contains_opaque(v) for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return any(_contains_opaque(v) for v in value)
    return False


class _EnumMember:
    """A member of a local `Enum` class: `.name` and `.value` fold, and so does the member."""

    def __init__(self, name: str, value: Any):
        self.name, self.value = name, value


class _EnumClass:
    def __init__(self, members: list[_EnumMember]):
        self.members = {m.name: m for m in members}

    def __iter__(self):
        return iter(self.members.values())

    def __len__(self) -> int:
        return len(self.members)


def _plain(value: Any) -> Any:
    """Enum members → their values, as Cog publishes enum choices."""
    if isinstance(value, _EnumMember):
        return value.value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    return value


# `isinstance(x, tuple)` in a helper's body: the types it may name.
_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "tuple": tuple,
          "dict": dict, "set": set, "bytes": bytes}


@dataclass
class ReturnedCall:
    """The call a folded helper returns: its callee as written (`Input`, `cog.Input`) and its
    arguments, each folded or the `NotFoldable` that says why that one is not."""

    callee: str
    args: list[Any] = dataclass_field(default_factory=list)
    kwargs: dict[str, Any] = dataclass_field(default_factory=dict)


def _dotted(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


class Folder:
    """Evaluates expressions against `constants` (name → source expression) and local `enums`
    (class name → [(member, value source)])."""

    def __init__(self, constants: Mapping[str, str] | None = None,
                 enums: Mapping[str, list[tuple[str, str]]] | None = None):
        self.constants = dict(constants or {})
        self.enums = dict(enums or {})
        self._cache: dict[str, Any] = {}
        self._active: set[str] = set()
        self._steps = 0  # evaluation steps of the expression being folded
        self._nested = 0
        self._helper_cost = 0  # what folding this file's helpers has cost so far
        self._helpers: dict[str, ast.FunctionDef] = {}  # parsed helper definitions

    def fold_source(self, source: str) -> Any:
        if not self._nested:
            self._steps = 0
        self._nested += 1
        try:
            value = self._fold(source)
        finally:
            self._nested -= 1
        if _units(value) > _MAX_UNITS:
            raise NotFoldable("value too large")
        if _contains_opaque(value):
            raise NotFoldable("part of the value needs the program to run")
        return _plain(value)

    def _fold(self, source: str) -> Any:
        try:
            # Parenthesised, as inside the call it came from: `A\n    + ["z"]` is one expression.
            with warnings.catch_warnings():  # `"\d"` warns (3.12: SyntaxWarning): not ours to print
                warnings.simplefilter("ignore")
                tree = ast.parse(f"({source.strip()}\n)", mode="eval")
        except (SyntaxError, ValueError) as exc:
            raise NotFoldable(str(exc)) from None
        try:
            value = self._eval(tree.body, {})
        except NotFoldable:
            raise
        except RecursionError:
            raise NotFoldable("expression nests too deeply") from None
        except Exception as exc:  # the user's expression would fail at run time too
            raise NotFoldable(f"{type(exc).__name__}: {exc}") from None
        return value

    def constant(self, name: str) -> Any:
        if name in self._cache:
            return self._cache[name]
        if name not in self.constants or name in self._active:
            raise NotFoldable(f"`{name}` is not a module constant")
        self._active.add(name)
        try:
            value = self._fold(self.constants[name])  # may hold opaque dict values
        finally:
            self._active.discard(name)
        self._cache[name] = value
        return value

    def _eval(self, node: ast.AST, scope: dict[str, Any]) -> Any:
        self._steps += 1
        if self._steps > _MAX_STEPS:
            raise NotFoldable("expression takes too long to fold")
        method = getattr(self, f"_eval_{type(node).__name__}", None)
        if method is None:
            raise NotFoldable(f"{type(node).__name__} is not foldable")
        return _limit(method(node, scope))

    def _eval_Constant(self, node: ast.Constant, scope: dict[str, Any]) -> Any:
        return node.value

    def _eval_Name(self, node: ast.Name, scope: dict[str, Any]) -> Any:
        if node.id in scope:
            if isinstance(scope[node.id], _Unknown):
                raise NotFoldable(scope[node.id].reason)
            return scope[node.id]
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id in self.enums and node.id not in self.constants:
            return _EnumClass([_EnumMember(name, self._fold(value))
                               for name, value in self.enums[node.id]])
        return self.constant(node.id)

    def _eval_Attribute(self, node: ast.Attribute, scope: dict[str, Any]) -> Any:
        target = self._eval(node.value, scope)
        if isinstance(target, _EnumClass) and node.attr in target.members:
            return target.members[node.attr]
        if isinstance(target, _EnumMember) and node.attr in ("name", "value"):
            return getattr(target, node.attr)
        raise NotFoldable(f"attribute `{node.attr}` is not foldable")

    def _eval_List(self, node: ast.List, scope: dict[str, Any]) -> Any:
        return self._elements(node.elts, scope)

    def _eval_Tuple(self, node: ast.Tuple, scope: dict[str, Any]) -> Any:
        return tuple(self._elements(node.elts, scope))

    def _eval_Set(self, node: ast.Set, scope: dict[str, Any]) -> Any:
        elements = self._elements(node.elts, scope)
        _bounded(*elements)
        return set(elements)

    def _elements(self, elts: list[ast.expr], scope: dict[str, Any]) -> list[Any]:
        result: list[Any] = []
        for elt in elts:
            if isinstance(elt, ast.Starred):
                result.extend(self._eval(elt.value, scope))
            else:
                result.append(self._eval(elt, scope))
        return result

    def _eval_Dict(self, node: ast.Dict, scope: dict[str, Any]) -> Any:
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            if key is None:
                spread = self._eval(value, scope)
                _bounded(spread)
                result.update(spread)
            else:
                try:
                    item = self._eval(value, scope)
                except NotFoldable:
                    item = _OPAQUE
                folded_key = self._eval(key, scope)
                _bounded(folded_key)
                result[folded_key] = item
        return result

    def _eval_BinOp(self, node: ast.BinOp, scope: dict[str, Any]) -> Any:
        op = _BINARY.get(type(node.op))
        if op is None:
            raise NotFoldable("operator not foldable")
        left, right = self._eval(node.left, scope), self._eval(node.right, scope)
        if isinstance(node.op, ast.Pow) and isinstance(right, (int, float)) and abs(right) > 1000:
            raise NotFoldable("exponent too large")
        if isinstance(node.op, ast.Mult) and any(
                isinstance(v, (str, list, tuple)) for v in (left, right)) and any(
                isinstance(v, int) and v > _MAX_SIZE for v in (left, right)):
            raise NotFoldable("repetition too large")
        if isinstance(node.op, ast.Mult) and isinstance(left, (str, list, tuple)) and \
                isinstance(right, int) and _units(left) * right > _MAX_UNITS:
            raise NotFoldable("repetition too large")
        if isinstance(node.op, ast.Mult) and isinstance(right, (str, list, tuple)) and \
                isinstance(left, int) and _units(right) * left > _MAX_UNITS:
            raise NotFoldable("repetition too large")
        if isinstance(node.op, ast.Mod) and isinstance(left, str):
            _check_percent_template(left)
            _bounded(right)
        return op(left, right)

    def _eval_UnaryOp(self, node: ast.UnaryOp, scope: dict[str, Any]) -> Any:
        op = _UNARY.get(type(node.op))
        if op is None:
            raise NotFoldable("operator not foldable")
        return op(self._eval(node.operand, scope))

    def _eval_BoolOp(self, node: ast.BoolOp, scope: dict[str, Any]) -> Any:
        """Short-circuits as Python does, returning the operand that decided."""
        for operand in node.values[:-1]:
            value = self._eval(operand, scope)
            if bool(value) != isinstance(node.op, ast.And):
                return value
        return self._eval(node.values[-1], scope)

    def _eval_Compare(self, node: ast.Compare, scope: dict[str, Any]) -> Any:
        left = self._eval(node.left, scope)
        for op_node, comparator in zip(node.ops, node.comparators, strict=True):
            op = _COMPARE.get(type(op_node))
            if op is None:
                raise NotFoldable("comparison not foldable")
            right = self._eval(comparator, scope)
            _bounded(left, right)
            if not op(left, right):
                return False
            left = right
        return True

    def _eval_IfExp(self, node: ast.IfExp, scope: dict[str, Any]) -> Any:
        branch = node.body if self._eval(node.test, scope) else node.orelse
        return self._eval(branch, scope)

    def _eval_Subscript(self, node: ast.Subscript, scope: dict[str, Any]) -> Any:
        target, key = self._eval(node.value, scope), self._eval(node.slice, scope)
        _bounded(key)
        return target[key]

    def _eval_Slice(self, node: ast.Slice, scope: dict[str, Any]) -> Any:
        parts = [self._eval(p, scope) if p is not None else None
                 for p in (node.lower, node.upper, node.step)]
        return slice(*parts)

    def _eval_JoinedStr(self, node: ast.JoinedStr, scope: dict[str, Any]) -> Any:
        return "".join(str(self._eval(v, scope)) for v in node.values)

    def _eval_FormattedValue(self, node: ast.FormattedValue, scope: dict[str, Any]) -> Any:
        value = self._eval(node.value, scope)
        _bounded(value)
        spec = self._eval(node.format_spec, scope) if node.format_spec else ""
        _check_width(str(spec))
        if node.conversion == ord("r"):
            value = repr(value)
        elif node.conversion == ord("s"):
            value = str(value)
        return format(value, spec)

    def _eval_Call(self, node: ast.Call, scope: dict[str, Any]) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id == "isinstance" and \
                node.func.id not in scope and node.func.id not in self.constants:
            return self._isinstance(node, scope)
        args = self._elements(node.args, scope)
        kwargs = {kw.arg: self._eval(kw.value, scope) for kw in node.keywords if kw.arg}
        if len(kwargs) != len(node.keywords):
            raise NotFoldable("**kwargs not foldable")
        # Every builtin and method here may compare, hash or print its arguments.
        _bounded(*args, *kwargs.values())
        if isinstance(node.func, ast.Name) and node.func.id not in scope \
                and node.func.id not in self.constants and node.func.id in _BUILTINS:
            if node.func.id == "sorted" and "key" in kwargs:
                raise NotFoldable("sorted(key=...) not foldable")
            if node.func.id == "round" and any(isinstance(a, int) and abs(a) > 1000
                                               for a in [*args[1:], *kwargs.values()]):
                raise NotFoldable("round() to too many digits")
            return _BUILTINS[node.func.id](*args, **kwargs)
        if isinstance(node.func, ast.Attribute):
            target = self._eval(node.func.value, scope)
            _bounded(target)
            allowed = next((names for kind, names in _METHODS.items() if isinstance(target, kind)), set())
            if node.func.attr in allowed:
                if isinstance(target, str):
                    _check_str_method(target, node.func.attr, args)
                return getattr(target, node.func.attr)(*args, **kwargs)
        raise NotFoldable("call not foldable")

    def _isinstance(self, node: ast.Call, scope: dict[str, Any]) -> bool:
        """`isinstance(x, tuple)`, `isinstance(x, (int, float))`: the builtin types only."""
        if len(node.args) != 2 or node.keywords:
            raise NotFoldable("isinstance() takes two arguments")
        value = self._eval(node.args[0], scope)
        if isinstance(value, (_EnumMember, _EnumClass)):
            raise NotFoldable("isinstance() of an enum member not foldable")
        names = node.args[1].elts if isinstance(node.args[1], ast.Tuple) else [node.args[1]]
        kinds = []
        for name in names:
            if not isinstance(name, ast.Name) or name.id not in _TYPES or name.id in scope \
                    or name.id in self.constants:
                raise NotFoldable("isinstance() of a type that is not a builtin one")
            kinds.append(_TYPES[name.id])
        return isinstance(value, tuple(kinds))

    def _comprehension(self, generators: list[ast.comprehension], scope: dict[str, Any]):
        if not generators:
            yield scope
            return
        first, rest = generators[0], generators[1:]
        if first.is_async:
            raise NotFoldable("async comprehension")
        for item in self._eval(first.iter, scope):
            inner = dict(scope)
            self._bind(first.target, item, inner)
            if all(self._eval(cond, inner) for cond in first.ifs):
                yield from self._comprehension(rest, inner)

    def _bind(self, target: ast.AST, value: Any, scope: dict[str, Any]) -> None:
        if isinstance(target, ast.Name):
            scope[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = list(value)
            if len(values) != len(target.elts):
                raise NotFoldable("unpacking mismatch")
            for sub, item in zip(target.elts, values, strict=True):
                self._bind(sub, item, scope)
        else:
            raise NotFoldable("comprehension target not foldable")

    def _eval_ListComp(self, node: ast.ListComp, scope: dict[str, Any]) -> Any:
        return [self._eval(node.elt, s) for s in self._comprehension(node.generators, scope)]

    def _eval_SetComp(self, node: ast.SetComp, scope: dict[str, Any]) -> Any:
        return {self._hashable(node.elt, s) for s in self._comprehension(node.generators, scope)}

    def _hashable(self, node: ast.AST, scope: dict[str, Any]) -> Any:
        value = self._eval(node, scope)
        _bounded(value)
        return value

    def _eval_GeneratorExp(self, node: ast.GeneratorExp, scope: dict[str, Any]) -> Any:
        return [self._eval(node.elt, s) for s in self._comprehension(node.generators, scope)]

    def _eval_DictComp(self, node: ast.DictComp, scope: dict[str, Any]) -> Any:
        return {self._hashable(node.key, s): self._eval(node.value, s)
                for s in self._comprehension(node.generators, scope)}

    # ------------------------------------------------------------- helpers that build an Input
    def fold_helper_call(self, definition: str, call: str, *, first_is_bound: bool = False) -> ReturnedCall:
        """What `call` (`Inputs.steps_with(default=28, le=50)`, source text) returns, given the
        helper's `def` (source text): its parameters bound from the call's arguments and their
        defaults, its body run (assignments, `if` on folded tests), up to `return callee(...)`.
        `first_is_bound`: a classmethod's `cls` or a method's `self`, never folded."""
        if self.helper_budget_spent:
            raise NotFoldable("folding this file's input helpers takes too long")
        self._steps = 0
        self._nested += 1
        try:
            function = self._helpers.get(definition)
            if function is None:
                self._helper_cost += len(definition)
                function = self._helpers[definition] = self._parse_function(definition)
            call_node = self._parse_call(call)
            scope = self._bind_arguments(function, call_node, first_is_bound)
            returned = self._run(function.body, scope)
        except NotFoldable:
            raise
        except RecursionError:
            raise NotFoldable("helper nests too deeply") from None
        except Exception as exc:  # what would fail at run time too
            raise NotFoldable(f"{type(exc).__name__}: {exc}") from None
        finally:
            self._nested -= 1
            self._helper_cost += self._steps + len(call)
        if returned is None:
            raise NotFoldable("the helper returns no call")
        return returned

    @property
    def helper_budget_spent(self) -> bool:
        return self._helper_cost > _MAX_HELPER_COST

    @staticmethod
    def _parse_function(definition: str) -> ast.FunctionDef:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(textwrap.dedent(definition))
        except (SyntaxError, ValueError) as exc:
            raise NotFoldable(str(exc)) from None
        if len(tree.body) != 1 or not isinstance(tree.body[0], ast.FunctionDef):
            raise NotFoldable("not a plain `def`")
        return tree.body[0]

    @staticmethod
    def _parse_call(call: str) -> ast.Call:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                node = ast.parse(f"({call.strip()}\n)", mode="eval").body
        except (SyntaxError, ValueError) as exc:
            raise NotFoldable(str(exc)) from None
        if not isinstance(node, ast.Call):
            raise NotFoldable("not a call")
        return node

    def _attempt(self, node: ast.AST, scope: dict[str, Any]) -> Any:
        """The folded value of one argument, or an `_Unknown` saying why it does not fold."""
        try:
            return self._eval(node, scope)
        except NotFoldable as exc:
            return _Unknown(str(exc))
        except RecursionError:
            return _Unknown("expression nests too deeply")
        except Exception as exc:
            return _Unknown(f"{type(exc).__name__}: {exc}")

    def _bind_arguments(self, function: ast.FunctionDef, call: ast.Call,
                        first_is_bound: bool) -> dict[str, Any]:
        """The helper's parameters → the call's folded arguments, as Python binds them."""
        spec = function.args
        positional = [a.arg for a in [*spec.posonlyargs, *spec.args]]
        with_defaults = positional[len(positional) - len(spec.defaults):]
        defaults = dict(zip(with_defaults, spec.defaults, strict=True))
        defaults |= {a.arg: d for a, d in zip(spec.kwonlyargs, spec.kw_defaults, strict=True)
                     if d is not None}
        scope: dict[str, Any] = {}
        if first_is_bound:
            if not positional:
                raise NotFoldable("the method takes no `self`")
            scope[positional[0]] = _Unknown(f"`{positional[0]}` is not foldable")
            positional = positional[1:]
        values: list[Any] = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                values.extend(self._eval(arg.value, {}))
            else:
                values.append(self._attempt(arg, {}))
        if len(values) > len(positional) and spec.vararg is None:
            raise NotFoldable("too many positional arguments")
        scope.update(zip(positional, values, strict=False))
        extra: dict[str, Any] = {}
        keywords = {a.arg for a in spec.kwonlyargs} | set(positional) - {a.arg for a in spec.posonlyargs}
        for keyword in call.keywords:
            if keyword.arg is None:
                spread = self._eval(keyword.value, {})
                if not isinstance(spread, dict) or not all(isinstance(k, str) for k in spread):
                    raise NotFoldable("`**` of something that is not a dict of names")
                items = list(spread.items())
            else:
                items = [(keyword.arg, self._attempt(keyword.value, {}))]
            for name, value in items:
                if name in scope or name in extra:
                    raise NotFoldable(f"several values for `{name}`")
                if name in keywords:
                    scope[name] = value
                elif spec.kwarg is not None:
                    extra[name] = value
                else:
                    raise NotFoldable(f"unexpected keyword argument `{name}`")
        for name in [*positional, *(a.arg for a in spec.kwonlyargs)]:
            if name not in scope:
                if name not in defaults:
                    raise NotFoldable(f"missing argument `{name}`")
                scope[name] = self._attempt(defaults[name], {})
        if spec.vararg is not None:
            scope[spec.vararg.arg] = tuple(values[len(positional):])
        if spec.kwarg is not None:
            scope[spec.kwarg.arg] = extra
        return scope

    def _run(self, statements: list[ast.stmt], scope: dict[str, Any]) -> ReturnedCall | None:
        """Runs straight-line statements and `if`; the returned call, or None at the end."""
        for statement in statements:
            self._steps += 1
            if self._steps > _MAX_STEPS:
                raise NotFoldable("helper takes too long to fold")
            if isinstance(statement, ast.Return):
                if statement.value is None:
                    raise NotFoldable("the helper returns None")
                return self._returned(statement.value, scope)
            if isinstance(statement, ast.Assign):
                value = _limit(self._eval(statement.value, scope))
                for target in statement.targets:
                    self._bind(target, value, scope)
            elif isinstance(statement, ast.AnnAssign):
                if statement.value is not None:
                    self._bind(statement.target, self._eval(statement.value, scope), scope)
            elif isinstance(statement, ast.AugAssign):
                if not isinstance(statement.target, ast.Name):
                    raise NotFoldable("augmented assignment to something that is not a name")
                combined = ast.BinOp(left=ast.Name(id=statement.target.id, ctx=ast.Load()),
                                     op=statement.op, right=statement.value)
                scope[statement.target.id] = self._eval(combined, scope)
            elif isinstance(statement, ast.If):
                branch = statement.body if self._eval(statement.test, scope) else statement.orelse
                returned = self._run(branch, scope)
                if returned is not None:
                    return returned
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # a docstring
            elif not isinstance(statement, ast.Pass):
                raise NotFoldable(f"a `{type(statement).__name__}` statement is not foldable")
        return None

    def _returned(self, node: ast.expr, scope: dict[str, Any]) -> ReturnedCall:
        if not isinstance(node, ast.Call) or _dotted(node.func) is None:
            raise NotFoldable("the helper returns something other than a call")
        returned = ReturnedCall(_dotted(node.func) or "")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                returned.args.extend(self._finished(v) for v in self._eval(arg.value, scope))
            else:
                returned.args.append(self._finished(self._attempt(arg, scope)))
        for keyword in node.keywords:
            if keyword.arg is None:
                spread = self._eval(keyword.value, scope)
                if not isinstance(spread, dict) or not all(isinstance(k, str) for k in spread):
                    raise NotFoldable("`**` of something that is not a dict of names")
                pairs = list(spread.items())
            else:
                pairs = [(keyword.arg, self._attempt(keyword.value, scope))]
            for name, value in pairs:
                if name in returned.kwargs:
                    raise NotFoldable(f"several values for `{name}`")
                returned.kwargs[name] = self._finished(value)
        return returned

    @staticmethod
    def _finished(value: Any) -> Any:
        """One returned argument, checked as `fold_source` checks a value (or why it is not one)."""
        if isinstance(value, _Unknown):
            return NotFoldable(value.reason)
        if _units(value) > _MAX_UNITS:
            return NotFoldable("value too large")
        if _contains_opaque(value):
            return NotFoldable("part of the value needs the program to run")
        return _plain(value)


def is_json_value(value: Any) -> bool:
    """True for values a JSON schema default or enum can hold."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_json_value(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json_value(v) for k, v in value.items())
    return False
