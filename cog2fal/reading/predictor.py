"""Static analysis of the predictor (or trainer) that cog.yaml points at.

Finds the class or function, its prediction method (inherited from a local base class too),
`setup()`, the inputs, the output type and the output models, without importing anything.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig, Entrypoint, Finding, Location, ModelField, OutputModel, TypeRef
from cog2fal.reading.annotations import AnnotationResolver
from cog2fal.reading.bindings import Bindings, bindings_before, has_future_annotations
from cog2fal.reading.cog_api import LEGACY_BASES, legacy_input, legacy_input_name
from cog2fal.reading.folding import Folder
from cog2fal.reading.inputs import InputReader
from cog2fal.reading.module_level import top_level_assignments, top_level_definition
from cog2fal.reading.source import SourceFile

_MODEL_BASES = {"cog.BaseModel", "pydantic.BaseModel"}
_METRIC_NAMES = ("current_scope", "emit_metric", "record_metric")


def module_constants(module: cst.Module) -> dict[str, str]:
    """Top-level `NAME = expr` assignments as source text, for constant folding."""
    return {name: module.code_for_node(value) for name, value in top_level_assignments(module)}


_ENUM_BASES = ("Enum", "IntEnum", "StrEnum")


def module_enums(module: cst.Module) -> dict[str, list[tuple[str, str]]]:
    """Local `class Mode(str, Enum)` classes: member names and their value expressions."""
    enums: dict[str, list[tuple[str, str]]] = {}
    for statement in module.body:
        if not isinstance(statement, cst.ClassDef):
            continue
        bases = [module.code_for_node(base.value).rsplit(".", 1)[-1] for base in statement.bases]
        if not any(base in _ENUM_BASES for base in bases):
            continue
        members = []
        for item in statement.body.body:
            if isinstance(item, cst.SimpleStatementLine):
                for small in item.body:
                    if isinstance(small, cst.Assign) and len(small.targets) == 1 and \
                            isinstance(small.targets[0].target, cst.Name) and \
                            not small.targets[0].target.value.startswith("_"):
                        members.append((small.targets[0].target.value, module.code_for_node(small.value)))
        enums[statement.name.value] = members
    return enums


def _is_class_var(module: cst.Module, annotation: cst.BaseExpression) -> bool:
    """`ClassVar`, `ClassVar[int]`, `typing.ClassVar[int]`: pydantic makes no field of it."""
    base = annotation.value if isinstance(annotation, cst.Subscript) else annotation
    return module.code_for_node(base).rsplit(".", 1)[-1] == "ClassVar"


def _methods(cls: cst.ClassDef) -> dict[str, cst.FunctionDef]:
    return {item.name.value: item for item in cls.body.body if isinstance(item, cst.FunctionDef)}


def _libcst_yields(node: cst.FunctionDef) -> bool:
    class Finder(cst.CSTVisitor):
        found = False

        def visit_Yield(self, node: cst.Yield) -> bool:
            self.found = True
            return False

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return node is root

        def visit_Lambda(self, node: cst.Lambda) -> bool:
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    root = node
    finder = Finder()
    node.visit(finder)
    return finder.found


class PredictorAnalyzer:
    """Reads one entrypoint out of one source file."""

    def __init__(self, source: SourceFile, config: CogConfig, findings: list[Finding]):
        self.source, self.config, self.findings = source, config, findings
        self.module = source.module
        self.folder = Folder(module_constants(self.module), module_enums(self.module))

    def _yields(self, func: cst.FunctionDef) -> bool:
        found = self.source.is_generator(func)
        return _libcst_yields(func) if found is None else found

    def fail(self, message: str, node: cst.CSTNode) -> CogProjectError:
        return CogProjectError(message, self.source.display, self.source.line_of(node))

    def bindings_at(self, node: cst.CSTNode) -> Bindings:
        if has_future_annotations(self.module):
            return bindings_before(self.module)
        return bindings_before(self.module, self._top_statement(node))

    def _top_statement(self, node: cst.CSTNode) -> cst.CSTNode | None:
        for statement in self.module.body:
            if statement is node or (isinstance(statement, (cst.If, cst.Try)) and
                                     node in statement.body.body):
                return statement
        return None

    def local_class(self, name: str) -> cst.ClassDef | None:
        node = top_level_definition(self.module, name)
        return node if isinstance(node, cst.ClassDef) else None

    def class_chain(self, cls: cst.ClassDef, seen: set[str] | None = None) -> list[cst.ClassDef]:
        """The class and its local base classes, in method-resolution order (depth first)."""
        seen = seen or set()
        if cls.name.value in seen:
            return []
        seen.add(cls.name.value)
        chain = [cls]
        bindings = self.bindings_at(cls)
        for base in cls.bases:
            qualname = bindings.resolve(base.value)
            if qualname and qualname.startswith("<local>."):
                parent = self.local_class(qualname.split(".", 1)[1])
                if parent is not None:
                    chain.extend(self.class_chain(parent, seen))
        return chain

    def is_model(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        cls = self.local_class(name)
        if cls is None or name in seen:
            return False
        bindings = self.bindings_at(cls)
        for base in cls.bases:
            qualname = bindings.resolve(base.value) or ""
            if qualname in _MODEL_BASES:
                return True
            if qualname.startswith("<local>.") and self.is_model(qualname.split(".", 1)[1],
                                                                   seen | {name}):
                return True
        return False

    def analyze(self, name: str, role: str) -> Entrypoint:
        key = "train" if role == "train" else "predict"
        target = top_level_definition(self.module, name)
        if target is None:
            defined = [n.name.value for n in self.module.body
                       if isinstance(n, (cst.ClassDef, cst.FunctionDef))]
            hint = f" (it defines: {', '.join(defined)})" if defined else ""
            raise CogProjectError(
                f"`{name}` is not defined at the top level of {self.source.display}{hint}",
                self.config.path, self.config.line_of(key))
        if isinstance(target, cst.FunctionDef):
            return self._entrypoint(target, None, role, "function", bindings=self.bindings_at(target))
        chain = self.class_chain(target)
        methods: dict[str, cst.FunctionDef] = {}
        for cls in reversed(chain):
            methods.update(_methods(cls))
        bindings = self.bindings_at(target)
        bases = {bindings.resolve(b.value) for cls in chain for b in cls.bases}
        legacy = bool(bases & LEGACY_BASES)
        wanted = ("train",) if role == "train" else ("predict", "run")
        present = [m for m in wanted if m in methods]
        if not present:
            assigned = self._assigned_method(chain, wanted)
            if assigned is not None:
                raise CogProjectError(
                    f"`{assigned[0]}` is assigned in class `{name}`, not defined with `def`: cog2fal "
                    "needs the method's own parameters; define it with `def` (it may call the other)",
                    self.source.display, assigned[1])
            raise CogProjectError(
                f"class `{name}` has no {' or '.join(f'`{m}()`' for m in wanted)} method",
                self.source.display, self.source.line_of(target))
        if len(present) > 1 and not legacy:
            # Cog ≥ 0.20 refuses both; older Cog used predict(). Prefer the one defined lowest.
            self.findings.append(Finding(
                Code.PREDICT_AND_RUN, f"class `{name}` defines both `predict()` and `run()`; `predict()` is "
                "converted", Location(self.source.display, self.source.line_of(target))))
        method = methods[present[0]]
        entry = self._entrypoint(method, target, role, "class", bindings=self.bindings_at(target),
                                 legacy=legacy)
        entry.method_owner = next(cls.name.value for cls in chain if present[0] in _methods(cls))
        setup = methods.get("setup")
        if setup is not None:
            entry.has_setup = True
            entry.setup_is_async = setup.asynchronous is not None
            params = [p for p in setup.params.params[1:]] + list(setup.params.kwonly_params)
            if params:
                entry.setup_weights = params[0].name.value
                self.findings.append(Finding(
                    Code.SETUP_WEIGHTS, f"`setup({entry.setup_weights}=...)` receives the weights named by "
                    "the COG_WEIGHTS environment variable on the runner (a downloaded Path for a "
                    "URL), as under Cog; set it as a fal secret or app environment to use it",
                    Location(self.source.display, self.source.line_of(setup))))
        return entry

    def _assigned_method(self, chain: list[cst.ClassDef], wanted: tuple[str, ...]) -> tuple[str, int] | None:
        for cls in chain:
            for item in cls.body.body:
                if isinstance(item, cst.SimpleStatementLine):
                    for small in item.body:
                        if isinstance(small, cst.Assign) and any(
                                isinstance(t.target, cst.Name) and t.target.value in wanted
                                for t in small.targets):
                            target = next(t.target.value for t in small.targets
                                          if isinstance(t.target, cst.Name) and t.target.value in wanted)
                            return target, self.source.line_of(item)
        return None

    def _entrypoint(self, func: cst.FunctionDef, cls: cst.ClassDef | None, role: str,
                    kind: str, *, bindings: Bindings, legacy: bool = False) -> Entrypoint:
        params = func.params
        for bad in (params.star_arg, params.star_kwarg):
            if isinstance(bad, cst.Param):
                raise self.fail(f"`{func.name.value}()` takes `*{bad.name.value}`; Cog inputs must "
                                "be named parameters", bad)
        # Cog calls `predict(**inputs)`: an input that cannot be passed by keyword never gets its value.
        positional_only = list(params.posonly_params)[1 if cls is not None else 0:]
        if positional_only:
            raise self.fail(f"`{func.name.value}()` takes `{positional_only[0].name.value}` as a "
                            "positional-only parameter; Cog passes inputs by keyword", positional_only[0])
        positional = list(params.posonly_params) + list(params.params)
        if cls is not None:
            if not positional:
                raise self.fail(f"`{func.name.value}()` must take `self`", func)
            positional = positional[1:]
        all_params = positional + list(params.kwonly_params)
        legacy_inputs = self._legacy_decorators(func, bindings)
        if legacy_inputs:
            legacy = True
        resolver = AnnotationResolver(bindings, self.is_model)
        reader = InputReader(self.source, bindings, resolver, self.folder, self.findings)
        inputs = reader.from_parameters(all_params, legacy_inputs, func.name.value)
        for name in legacy_inputs:
            if name not in {p.name.value for p in all_params}:
                raise self.fail(f"`@cog.input({name!r})` names no parameter of "
                                f"`{func.name.value}()`", legacy_inputs[name])
        returns = func.returns.annotation if func.returns else None
        output = resolver.resolve(returns) if returns is not None else TypeRef("any")
        # The text test spares any walk in the common case: no `yield` in the file at all.
        is_generator = "yield" in self.source.text and self._yields(func)
        if is_generator and output.kind not in ("iterator", "concatenate"):
            output = TypeRef("iterator", (output if returns is not None and output.kind != "any"
                                          else TypeRef("any"),), is_async=func.asynchronous is not None)
        entry = Entrypoint(
            role=role,  # type: ignore[arg-type]
            file=self.source.display,
            name=(cls or func).name.value,
            kind=kind,  # type: ignore[arg-type]
            method=func.name.value,
            api="legacy" if legacy else ("function" if cls is None else "current"),
            is_async=func.asynchronous is not None,
            is_generator=is_generator,
            inputs=inputs,
            output=output,
            uses_metrics=any(name in self.source.text for name in _METRIC_NAMES),
            location=Location(self.source.display, self.source.line_of(func)),
        )
        if returns is None and not legacy:
            self.findings.append(Finding(
                Code.UNTYPED_OUTPUT, f"`{func.name.value}()` has no return annotation; the output is "
                "published as any JSON value", entry.location))
        elif output.kind == "unknown" or (output.args and output.inner.kind == "unknown"):
            self.findings.append(Finding(
                Code.UNKNOWN_OUTPUT_TYPE, f"output type `{output.describe()}` is not one cog2fal knows; "
                "published as any JSON value", entry.location))
        self._collect_models(output, entry)
        return entry

    def _legacy_decorators(self, func: cst.FunctionDef, bindings: Bindings) -> dict[str, cst.Call]:
        found: dict[str, cst.Call] = {}
        for decorator in func.decorators:
            call = legacy_input(decorator, bindings)
            if call is not None:
                name = legacy_input_name(call)
                if name is None:
                    raise self.fail("`@cog.input` needs the input name as its first argument", call)
                found[name] = call
        return found

    def _collect_models(self, type_ref: TypeRef, entry: Entrypoint,
                        enclosing: tuple[str, ...] = ()) -> None:
        """Record the output models `type_ref` mentions; `enclosing` holds the models whose fields
        led here, so that a model reaching itself again is refused rather than followed forever."""
        if type_ref.kind == "model" and type_ref.name and type_ref.name not in entry.output_models:
            cls = self.local_class(type_ref.name)
            assert cls is not None
            model = OutputModel(type_ref.name, location=Location(self.source.display,
                                                                  self.source.line_of(cls)))
            entry.output_models[type_ref.name] = model
            resolver = AnnotationResolver(self.bindings_at(cls), self.is_model)
            for klass in reversed(self.class_chain(cls)):
                for item in klass.body.body:
                    if isinstance(item, cst.SimpleStatementLine):
                        for small in item.body:
                            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                                if _is_class_var(self.module, small.annotation.annotation):
                                    continue  # a class attribute, not a field of the response
                                field_type = resolver.resolve(small.annotation.annotation)
                                nested = (*enclosing, type_ref.name)
                                cycle = set(field_type.model_names()) & set(nested)
                                if cycle:
                                    raise self.fail(
                                        f"output model `{type_ref.name}` contains `{min(cycle)}` "
                                        f"again through field `{small.target.value}`; recursive "
                                        "output models cannot be converted", small)
                                model.fields = [f for f in model.fields if f.name != small.target.value]
                                model.fields.append(ModelField(
                                    small.target.value, field_type, small.value is not None,
                                    self.module.code_for_node(small.value) if small.value else None))
                                self._collect_models(field_type, entry, nested)
        for arg in type_ref.args:
            self._collect_models(arg, entry, enclosing)
