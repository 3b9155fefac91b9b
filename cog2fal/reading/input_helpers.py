"""Inputs declared through a helper of the same file, and shared descriptors found indirectly.

replicate's FLUX predictors write `steps: int = Inputs.num_steps_with(default=28, le=50)`, where
`Inputs.num_steps_with` is a static method whose body builds and returns `Input(...)`; others use
a module function, or a class method. The helper is found here (statically, by its name) and its
body folded by `Folder.fold_helper_call` into the `Input(...)` call it returns. Older FLUX code
reads shared descriptors through an instance (`SHARED = SharedInputs()`, then `SHARED.prompt`):
`owner_class` resolves such a name to its class. Others keep one at the top level
(`PROMPT = Input(...)`, then `prompt: str = PROMPT`): `module_value` finds it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from cog2fal.reading.bindings import Bindings, dotted_name
from cog2fal.reading.folding import Folder, NotFoldable, ReturnedCall
from cog2fal.reading.module_level import top_level_assignments, top_level_definition
from cog2fal.reading.source import SourceFile


@dataclass
class HelperCall:
    """A call of a local helper that builds an `Input(...)`: what it returns, folded, or why not."""

    name: str  # the helper as called: `Inputs.num_steps_with`
    returned: ReturnedCall | None
    reason: str | None = None


def module_value(module: cst.Module, name: str) -> cst.BaseExpression | None:
    """What `NAME = value` assigns at the top level; the last assignment wins."""
    found = None
    for assigned, value in top_level_assignments(module):
        if assigned == name:
            found = value
    return found


def _instance_of(module: cst.Module, name: str) -> str | None:
    """`NAME = SomeClass()` at the top level → "SomeClass"."""
    value = module_value(module, name)
    if isinstance(value, cst.Call) and not value.args and isinstance(value.func, cst.Name):
        return value.func.value
    return None


def owner_class(owner: str, source: SourceFile, bindings: Bindings) -> tuple[cst.ClassDef, bool] | None:
    """The local class `owner` names, and whether `owner` is an instance of it (not the class)."""
    if owner in bindings.names:  # imported: not this file's
        return None
    cls = top_level_definition(source.module, owner)
    if isinstance(cls, cst.ClassDef):
        return cls, False
    class_name = _instance_of(source.module, owner)
    if class_name is None or class_name in bindings.names:
        return None
    cls = top_level_definition(source.module, class_name)
    return (cls, True) if isinstance(cls, cst.ClassDef) else None


def _decorator_names(func: cst.FunctionDef) -> list[str | None]:
    return [dotted_name(d.decorator) for d in func.decorators]


def _helper(call: cst.Call, source: SourceFile, bindings: Bindings) -> tuple[cst.FunctionDef, bool] | None:
    """The local function `call` calls, and whether its first parameter is bound (`cls`, `self`)."""
    name = dotted_name(call.func)
    if name is None or name.count(".") > 1:
        return None
    if "." not in name:
        if name in bindings.names:
            return None
        func = top_level_definition(source.module, name)
        return (func, False) if isinstance(func, cst.FunctionDef) else None
    owner_name, attr = name.split(".")
    owner = owner_class(owner_name, source, bindings)
    if owner is None:
        return None
    cls, is_instance = owner
    method = None
    for item in cls.body.body:
        if isinstance(item, cst.FunctionDef) and item.name.value == attr:
            method = item
    if method is None:
        return None
    decorators = _decorator_names(method)
    bound = "classmethod" in decorators or ("staticmethod" not in decorators and is_instance)
    return method, bound


def _builds_input(func: cst.FunctionDef, bindings: Bindings) -> bool:
    class Finder(cst.CSTVisitor):
        found = False

        def visit_Call(self, node: cst.Call) -> bool:
            if bindings.resolve(node.func) == "cog.Input":
                self.found = True
            return not self.found

    finder = Finder()
    func.body.visit(finder)
    return finder.found


class InputHelpers:
    """The helpers of one file that build an `Input(...)`: each is printed and searched once,
    however many parameters call it."""

    def __init__(self, source: SourceFile, bindings: Bindings, folder: Folder):
        self.source, self.bindings, self.folder = source, bindings, folder
        self._definitions: dict[int, tuple[cst.FunctionDef, str | None]] = {}

    def _definition(self, func: cst.FunctionDef) -> str | None:
        """The helper's `def` without decorators, or None when it builds no `Input`."""
        if id(func) not in self._definitions:  # the node is kept with it: its id stays its own
            text = self.source.module.code_for_node(func.with_changes(decorators=[])) \
                if _builds_input(func, self.bindings) else None
            self._definitions[id(func)] = (func, text)
        return self._definitions[id(func)][1]

    def call(self, node: cst.BaseExpression | None) -> HelperCall | None:
        """`node`, a parameter's default, as a call of a helper of this file that builds an
        `Input`; None when it is not one (another call, a helper that builds no `Input`)."""
        if not isinstance(node, cst.Call):
            return None
        found = _helper(node, self.source, self.bindings)
        if found is None:
            return None
        func, bound = found
        name = dotted_name(node.func) or ""
        if self.folder.helper_budget_spent:  # before printing or searching another helper
            return HelperCall(name, None, "folding this file's input helpers takes too long")
        definition = self._definition(func)
        if definition is None:
            return None
        others = [d for d in _decorator_names(func) if d not in ("staticmethod", "classmethod")]
        if others or func.asynchronous is not None:
            what = f"decorator `@{others[0] or '...'}`" if others else "`async def`"
            return HelperCall(name, None, f"the helper has a {what}")
        try:
            returned = self.folder.fold_helper_call(definition, self.source.code(node),
                                                    first_is_bound=bound)
        except NotFoldable as exc:
            return HelperCall(name, None, str(exc))
        if self.bindings.resolve(cst.parse_expression(returned.callee)) != "cog.Input":
            return HelperCall(name, None, f"the helper returns `{returned.callee}(...)`, not `Input(...)`")
        return HelperCall(name, returned)
