"""The parameters of `predict()`/`run()`/`train()` → `InputField`s, from every Cog generation.

Handles `Input(...)` with keywords or a positional default (Cog's first positional parameter is
the default), bare annotations and plain defaults, shared descriptors (`Inputs.prompt`, or on an
instance: `SHARED.prompt`), helpers of the same file that build the `Input(...)`
(`Inputs.num_steps_with(default=28)`, see input_helpers.py), and the 2021
`@cog.input(name, type=..., help=..., options=...)` decorators, under which a parameter without
a decorator is no input at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import libcst as cst

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import MISSING, Finding, InputField, Location, TypeRef
from cog2fal.reading.annotations import AnnotationResolver
from cog2fal.reading.bindings import Bindings, dotted_name
from cog2fal.reading.folding import Folder, NotFoldable, ReturnedCall, is_json_value
from cog2fal.reading.input_helpers import HelperCall, InputHelpers, module_value, owner_class
from cog2fal.reading.source import SourceFile

INPUT_KEYWORDS = ("default", "description", "ge", "le", "min_length", "max_length", "regex",
                  "choices", "deprecated")
_LEGACY_KEYWORDS = {"type", "default", "min", "max", "options", "help"}


@dataclass
class InputCall:
    """The parts of one `Input(...)` call; `default` is None when the call gives none."""

    default: cst.BaseExpression | None
    keywords: dict[str, cst.BaseExpression]
    node: cst.Call


def is_ellipsis(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Ellipsis)


def is_input_call(node: cst.BaseExpression | None, bindings: Bindings) -> bool:
    return isinstance(node, cst.Call) and bindings.resolve(node.func) == "cog.Input"


def split_input_call(call: cst.Call) -> InputCall:
    default: cst.BaseExpression | None = None
    keywords: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(call.args):
        if arg.keyword is None and not arg.star and index == 0:
            default = arg.value
        elif arg.keyword is not None:
            if arg.keyword.value == "default":
                default = arg.value
            else:
                keywords[arg.keyword.value] = arg.value
    return InputCall(default, keywords, call)


def shared_input(node: cst.BaseExpression | None, source: SourceFile,
                 bindings: Bindings) -> cst.Call | None:
    """`Inputs.prompt` where `class Inputs: prompt = Input(...)` → that Input call; the same
    through an instance (`SHARED = Inputs()`, then `SHARED.prompt`), and `PROMPT` where the
    module assigns `PROMPT = Input(...)`."""
    name = dotted_name(node) if node is not None else None
    if name and "." not in name and name not in bindings.names:
        value = module_value(source.module, name)
        return value if is_input_call(value, bindings) else None  # type: ignore[return-value]
    if not name or name.count(".") != 1:
        return None
    owner, attr = name.split(".")
    found = owner_class(owner, source, bindings)
    for item in found[0].body.body if found is not None else []:
        if not isinstance(item, cst.SimpleStatementLine):
            continue
        for small in item.body:
            target = None
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target, value = small.target, small.value
            if isinstance(target, cst.Name) and target.value == attr and \
                    is_input_call(value, bindings):
                return value  # type: ignore[return-value]
    return None


class InputReader:
    def __init__(self, source: SourceFile, bindings: Bindings, resolver: AnnotationResolver,
                 folder: Folder, findings: list[Finding]):
        self.source, self.bindings, self.resolver = source, bindings, resolver
        self.folder, self.findings = folder, findings
        self.helpers = InputHelpers(source, bindings, folder)

    def location(self, node: cst.CSTNode) -> Location:
        return Location(self.source.display, self.source.line_of(node))

    def fold(self, node: cst.BaseExpression) -> Any:
        return self.folder.fold_source(self.source.code(node))

    def from_parameters(self, params: list[cst.Param], legacy: dict[str, cst.Call],
                        method: str = "predict") -> list[InputField]:
        fields = []
        for param in params:
            name = param.name.value
            if name in legacy:
                fields.append(self.from_legacy(name, legacy[name], param))
            elif legacy:
                self._not_a_legacy_input(param, method)
            else:
                fields.append(self.from_param(param))
        return fields

    def _not_a_legacy_input(self, param: cst.Param, method: str) -> None:
        """Under `@cog.input` decorators, Cog passed only the decorated parameters: any other
        keeps its Python default, and without one `{method}()` could never be called."""
        name = param.name.value
        if param.default is None:
            raise CogProjectError(
                f"parameter `{name}` of `{method}()` has neither a `@cog.input` decorator nor a "
                f"default: Cog's 2021 API passes only decorated inputs, so `{method}()` cannot be "
                f"called; add `@cog.input({name!r}, ...)` or a default",
                self.source.display, self.source.line_of(param))
        self.findings.append(Finding(
            Code.LEGACY_NOT_AN_INPUT,
            f"parameter `{name}` of `{method}()` has no `@cog.input` decorator: not an input under "
            "Cog's 2021 API, so it is not published and keeps its default", self.location(param)))

    def from_param(self, param: cst.Param) -> InputField:
        name = param.name.value
        annotation = param.annotation.annotation if param.annotation else None
        type_ref = self.resolver.resolve(annotation)
        where = self.location(param)
        field = InputField(name=name, type=type_ref, location=where)
        if annotation is None:
            inferred = self._type_of_default(param.default)
            if inferred is None:
                self.findings.append(Finding(
                    Code.UNTYPED_INPUT, f"input `{name}` has no type annotation; published as a string",
                    where))
            field = InputField(name=name, type=inferred or TypeRef("str"), location=where)
        call = param.default if is_input_call(param.default, self.bindings) else \
            shared_input(param.default, self.source, self.bindings)
        helper = None if call is not None else self.helpers.call(param.default)
        if call is not None:
            self._apply_input_call(field, split_input_call(call))  # type: ignore[arg-type]
        elif helper is not None and helper.returned is not None and \
                "default_factory" not in helper.returned.kwargs:
            self._apply_helper(field, helper.returned, param.default)  # type: ignore[arg-type]
            field.declared_by = helper.name
        elif param.default is not None:
            if helper is not None:
                self._helper_not_folded(field, helper, param.default)
            self._set_default(field, param.default)
        if field.type.kind == "optional" and field.default is MISSING and not field.default_source:
            # Cog ≤ 0.16 (pydantic) did not require an Optional input left without a default.
            field.optional_by_none_default = True
        self._check_type(field)
        return field

    def _type_of_default(self, node: cst.BaseExpression | None) -> TypeRef | None:
        """`seed=0` without an annotation: the default's type is what the author meant."""
        if node is None or is_input_call(node, self.bindings):
            return None
        try:
            value = self.fold(node)
        except NotFoldable:
            return None
        for kind in (bool, int, float, str):
            if type(value) is kind:
                return TypeRef(kind.__name__)  # type: ignore[arg-type]
        return None

    def from_legacy(self, name: str, decorator: cst.Call, param: cst.Param) -> InputField:
        where = self.location(decorator)
        keywords = {arg.keyword.value: arg.value for arg in decorator.args if arg.keyword}
        type_node = keywords.get("type")
        type_ref = self.resolver.resolve(type_node) if type_node is not None else TypeRef("str")
        if type_ref.name == "pathlib":  # the 2021 API documented pathlib's Path as its file type
            type_ref = TypeRef("path")
        field = InputField(name=name, type=type_ref, location=where)
        if "default" in keywords:
            self._set_default(field, keywords["default"])
            if field.default is None:  # `default=None` meant optional in the 2021 API
                field.default = MISSING
                field.optional_by_none_default = True
        elif param.default is not None:
            self._set_default(field, param.default)
        for cog_key, key in (("min", "ge"), ("max", "le"), ("help", "description"),
                             ("options", "choices")):
            if cog_key in keywords:
                self._set_keyword(field, key, keywords[cog_key])
        for key in keywords:
            if key not in _LEGACY_KEYWORDS:
                self.findings.append(Finding(
                    Code.UNKNOWN_LEGACY_OPTION,
                    f"`@cog.input({name!r}, {key}=...)` is not a Cog option; ignored",
                    where))
        self._check_type(field)
        return field

    def _apply_input_call(self, field: InputField, call: InputCall) -> None:
        if call.default is not None:
            self._set_default(field, call.default)
            if field.default is None and field.type.kind != "optional":
                # Cog ≤ 0.16: `Input(default=None)` on `int` made the input optional.
                field.default = MISSING
                field.optional_by_none_default = True
        for key, value in call.keywords.items():
            if key in INPUT_KEYWORDS:
                self._set_keyword(field, key, value)
            elif key == "default_factory":
                factory = self.source.code(value)
                if not isinstance(value, (cst.Name, cst.Attribute)):  # `(lambda: [...])()`
                    factory = f"({factory})"
                self.findings.append(Finding(
                    Code.DEFAULT_FACTORY,
                    f"`default_factory` of input `{field.name}` cannot be published in a "
                    f"schema: the input is optional, and when it is left out `predict()` calls "
                    f"`{factory}()` on each request, as Cog did", self.location(value)))
                field.default_source = factory + "()"
                field.default_factory = factory
            elif key == "accept":
                self.findings.append(Finding(
                    Code.ACCEPT_DROPPED, f"`accept=` of input `{field.name}` has no fal equivalent; dropped",
                    self.location(value)))
            else:
                raise CogProjectError(f"Input() got an unexpected keyword argument {key!r}",
                                      self.source.display, self.source.line_of(value))

    def _helper_not_folded(self, field: InputField, helper: HelperCall, node: cst.BaseExpression) -> None:
        reason = helper.reason or "it passes `default_factory`"
        self.findings.append(Finding(
            Code.INPUT_HELPER_NOT_FOLDED,
            f"input `{field.name}` is declared by `{helper.name}(...)`, whose `Input(...)` cannot "
            f"be computed statically ({reason}); its default, bounds and description are not "
            "published — add them to the Input model by hand", self.location(node)))

    def _apply_helper(self, field: InputField, returned: ReturnedCall, node: cst.BaseExpression) -> None:
        """The folded `Input(...)` a helper returns; findings point at the helper's call."""
        source, where = self.source.code(node), self.location(node)
        default = returned.kwargs.get("default", returned.args[0] if returned.args else MISSING)
        if default is not MISSING:
            self._take_default(field, default, source, where)
            if field.default is None and field.type.kind != "optional":
                field.default = MISSING  # as `Input(default=None)` written in the signature
                field.optional_by_none_default = True
        for key, value in returned.kwargs.items():
            if key == "default":
                continue
            if key in INPUT_KEYWORDS:
                self._take_keyword(field, key, value, source, where)
            elif key == "accept":
                self.findings.append(Finding(
                    Code.ACCEPT_DROPPED, f"`accept=` of input `{field.name}` has no fal equivalent; dropped",
                    where))
            else:
                raise CogProjectError(f"Input() got an unexpected keyword argument {key!r}",
                                      self.source.display, where.line)

    def _set_default(self, field: InputField, node: cst.BaseExpression) -> None:
        if is_ellipsis(node):  # `Input(..., description=...)`: pydantic's "required"
            return
        try:
            value = self.fold(node)
        except NotFoldable as exc:
            value = exc
        self._take_default(field, value, self.source.code(node), self.location(node))

    def _take_default(self, field: InputField, value: Any, source: str, where: Location) -> None:
        """`value`, folded (or the `NotFoldable` that says it is not), as the input's default."""
        if value is Ellipsis:
            return
        if isinstance(value, tuple):
            value = list(value)
        if isinstance(value, NotFoldable) or not is_json_value(value):
            field.default_source = source
            self.findings.append(Finding(
                Code.RUNTIME_DEFAULT,
                f"default of input `{field.name}` (`{field.default_source}`) is computed "
                "at run time; the published input is optional and the model code keeps its default",
                where))
            return
        field.default = value

    def _set_keyword(self, field: InputField, key: str, node: cst.BaseExpression) -> None:
        try:
            value = self.fold(node)
        except NotFoldable as exc:
            value = exc
        self._take_keyword(field, key, value, self.source.code(node), self.location(node))

    def _take_keyword(self, field: InputField, key: str, value: Any, source: str, where: Location) -> None:
        """`value`, folded (or the `NotFoldable` that says it is not), as the keyword `key`."""
        if isinstance(value, NotFoldable):
            what = "choices" if key == "choices" else f"`{key}`"
            self.findings.append(Finding(
                Code.CHOICES_NOT_STATIC if key == "choices" else Code.KEYWORD_NOT_STATIC,
                f"{what} of input `{field.name}` (`{source}`) cannot be computed "
                f"statically ({value}); published without it — add it to the Input model by hand",
                where))
            return
        if key == "choices":
            try:
                value = list(value)
            except TypeError:
                value = None
            if value is not None and not value:  # `Literal[]` is no type: nothing to choose from
                self.findings.append(Finding(
                    Code.CHOICES_NOT_STATIC,
                    f"choices of input `{field.name}` are empty; published without them",
                    where))
                return
            if value is None or not all(isinstance(v, (str, int)) and not isinstance(v, bool)
                                        for v in value):
                self.findings.append(Finding(
                    Code.CHOICES_NOT_STATIC, f"choices of input `{field.name}` are not strings or integers; "
                    "published without them", where))
                return
            field.choices = list(dict.fromkeys(value))
        elif key == "description":
            field.description = value if isinstance(value, str) else str(value)
        elif key in ("ge", "le"):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                setattr(field, key, value)
        elif key in ("min_length", "max_length"):
            if isinstance(value, int) and not isinstance(value, bool):
                setattr(field, key, value)
        elif key == "regex":
            field.regex = str(value)
        elif key == "deprecated":
            field.deprecated = bool(value)

    def _check_type(self, field: InputField) -> None:
        kind = field.type.kind
        inner = field.type.inner.kind if kind in ("list", "optional") else None
        if kind == "unknown" or inner == "unknown":
            self.findings.append(Finding(
                Code.UNKNOWN_INPUT_TYPE,
                f"type `{field.type.describe()}` of input `{field.name}` is not a Cog "
                "input type cog2fal knows; published as `Any` — check the Input model",
                field.location))
        if field.type.name == "pathlib" or (inner == "path" and field.type.inner.name == "pathlib"):
            self.findings.append(Finding(
                Code.PATHLIB_INPUT, f"input `{field.name}` is annotated with pathlib's `Path`, not Cog's; "
                "treated as a file URL like `cog.Path`", field.location))
