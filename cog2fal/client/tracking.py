"""Which expressions hold Replicate's client, and what a chain of attribute accesses and calls
on them asks for.

Replicate's client is reached through the module (`import replicate`, aliases, `from replicate
import run`), through `replicate.Client(...)` / `from replicate.client import Client` instances,
through the module or a client kept on `self` (`self.client = replicate`), and through function
parameters annotated as a Replicate `Client` or named after it (`replicate_client`). Results of
`models.get(...)`, `versions.get(...)` and `deployments.get(...)` kept in a variable are followed
too. Anything else is left alone: a Discord `client.run(TOKEN)` is not Replicate's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import libcst as cst
from libcst.metadata import (
    Assignment,
    ParentNodeProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

RootKind = Literal["module", "client", "parameter", "model", "version", "deployment"]


@dataclass(frozen=True)
class Step:
    """One attribute of a chain, and the call made on it (`get("a/b")`), if any."""

    name: str
    call: cst.Call | None = None


@dataclass(frozen=True)
class Chain:
    """`root.step.step(...)...`: what a call's function, or a value, asks of Replicate's client."""

    kind: RootKind
    receiver: cst.BaseExpression | None  # the expression holding a client; None for the module
    steps: tuple[Step, ...]
    ref: str | None = None  # what a tracked model/version/deployment variable refers to
    binding: cst.CSTNode | None = None  # the tracked variable the chain starts from

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(step.name + ("()" if step.call is not None else "") for step in self.steps)


@dataclass
class Tracked:
    kind: RootKind
    ref: str | None = None


def string_value(node: cst.BaseExpression | None) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


@dataclass
class Tracking:
    """Built once per file (see `track`); answers `chain_of(expression)`."""

    visitor: cst.MetadataDependent
    bindings: dict[cst.CSTNode, Tracked] = field(default_factory=dict)
    self_attributes: dict[str, Tracked] = field(default_factory=dict)
    strings: dict[cst.CSTNode, str] = field(default_factory=dict)  # constant assignments
    replicate_names: bool = False  # whether the file imports anything from replicate

    # -- names ----------------------------------------------------------------------------

    def _meta(self, provider: type, node: cst.CSTNode) -> object:
        return self.visitor.get_metadata(provider, node, None)

    def _assignments(self, name: cst.Name) -> list[object]:
        scope = self._meta(ScopeProvider, name)
        if scope is None:
            return []
        try:
            return list(scope[name.value])  # type: ignore[index]
        except (KeyError, TypeError):
            return []

    def _binding_of(self, name: cst.Name) -> tuple[Tracked, cst.CSTNode] | None:
        found = self._assignments(name)
        tracked = [(self.bindings.get(a.node), a.node) for a in found if isinstance(a, Assignment)]
        if not found or len(tracked) != len(found) or any(t is None for t, _ in tracked):
            return None
        kinds = {(t.kind, t.ref) for t, _ in tracked if t is not None}
        if len(kinds) != 1:
            return None
        first, node = tracked[0]
        return (first, node) if first is not None else None

    def resolve_string(self, node: cst.BaseExpression | None) -> str | None:
        """A string literal, or a name every assignment of which is the same string literal."""
        value = string_value(node)
        if value is not None or not isinstance(node, cst.Name):
            return value
        found = self._assignments(node)
        values = {self.strings.get(a.node) for a in found if isinstance(a, Assignment)}
        if found and len(values) == 1 and None not in values and len(found) == sum(
                isinstance(a, Assignment) for a in found):
            return values.pop()
        return None

    def holds_file(self, node: cst.BaseExpression) -> bool:
        """Whether a name in Replicate's `input` may hold an open file or a path, which fal needs
        sent as a data URI or an upload: bound by `with open(...) as f`, `f = open(...)`/`Path(...)`,
        a parameter annotated with something other than a plain scalar, or named like a file.
        Names are looked up in the original tree; a rewritten one falls back to its name."""
        from cog2fal.client.building import may_hold_file_by_name

        if may_hold_file_by_name(node):
            return True
        if not isinstance(node, cst.Name):
            return False
        for assignment in self._assignments(node):
            bound = getattr(assignment, "node", None)
            if isinstance(bound, cst.Param):
                annotation = bound.annotation
                if annotation is not None and not (
                        isinstance(annotation.annotation, cst.Name)
                        and annotation.annotation.value in ("str", "int", "float", "bool")):
                    return True
                continue
            parent = self._meta(ParentNodeProvider, bound) if bound is not None else None
            if isinstance(parent, cst.AsName):
                return True  # `with ... as name`: a file, most of the time
            if isinstance(parent, cst.AssignTarget):
                statement = self._meta(ParentNodeProvider, parent)
                value = statement.value if isinstance(statement, cst.Assign) else None
                if isinstance(value, cst.Call):
                    name = (cst.helpers.get_full_name_for_node(value.func) or "").split(".")[-1]
                    if name in ("open", "Path", "BytesIO", "BufferedReader", "PurePath", "TemporaryFile",
                                "NamedTemporaryFile", "urlopen"):
                        return True
        return False

    def replicate_path(self, node: cst.CSTNode) -> list[str] | None:
        """`["run"]` for `replicate.run` or an imported `run`; `[]` for the module itself."""
        names = self._meta(QualifiedNameProvider, node) or set()
        for qualified in names:  # type: ignore[attr-defined]
            parts = qualified.name.split(".")
            if parts[0] == "replicate":
                rest = parts[1:]
                if rest[:2] == ["client", "Client"]:
                    rest = rest[1:]
                return rest
        return None

    # -- chains ---------------------------------------------------------------------------

    def chain_of(self, node: cst.BaseExpression) -> Chain | None:
        steps: list[Step] = []
        pending: cst.Call | None = None
        while True:
            if isinstance(node, cst.Call):
                if pending is not None:
                    return None  # `f()()`: not an API shape
                pending, node = node, node.func
                continue
            if isinstance(node, cst.Attribute):
                root = self._self_attribute_root(node)
                if root is not None:
                    return self._chain(root, node, steps, pending)
                path = self.replicate_path(node)
                if path is not None and isinstance(node.value, (cst.Name, cst.Attribute)) and \
                        self.replicate_path(node.value) is not None:
                    # Let the base name give the module root; keep walking.
                    pass
                steps.insert(0, Step(node.attr.value, pending))
                pending, node = None, node.value
                continue
            if isinstance(node, cst.Name):
                path = self.replicate_path(node)
                if path is not None:
                    prefix = [Step(name) for name in path]
                    if pending is not None:
                        if not prefix:
                            return None  # `replicate()`
                        prefix[-1] = Step(prefix[-1].name, pending)
                    return Chain("module", None, tuple(prefix + steps))
                binding = self._binding_of(node)
                if binding is None:
                    return None
                tracked, where = binding
                if pending is not None:
                    return None
                return Chain(tracked.kind, node, tuple(steps), tracked.ref, where)
            return None

    def _self_attribute_root(self, node: cst.Attribute) -> Tracked | None:
        if isinstance(node.value, cst.Name) and node.value.value == "self":
            return self.self_attributes.get(node.attr.value)
        return None

    def _chain(self, tracked: Tracked, node: cst.Attribute, steps: list[Step],
               pending: cst.Call | None) -> Chain | None:
        if pending is not None:
            return None
        return Chain(tracked.kind, node, tuple(steps), tracked.ref)

    def classify(self, value: cst.BaseExpression) -> Tracked | None:
        """What a value assigned to a variable holds, when it is Replicate's."""
        chain = self.chain_of(value)
        if chain is None:
            return None
        names = chain.names
        if chain.kind == "module":
            if names == ():
                return Tracked("module")
            if names == ("Client()",):
                return Tracked("client")
        ref = model_reference(self, chain)
        if ref is not None:
            kind, text = ref
            return Tracked(kind, text)
        return None


def model_reference(tracking: Tracking, chain: Chain) -> tuple[RootKind, str] | None:
    """For chains ending in `models.get(ref)`, `.versions.get(id)`, `deployments.get(ref)` or
    `.latest_version`: what they refer to (`("version", "owner/name:id")`)."""
    steps = list(chain.steps)
    kind: RootKind | None = None
    ref: str | None = None
    if chain.kind in ("module", "client", "parameter"):
        if len(steps) >= 2 and steps[0].name in ("models", "deployments") and steps[1].name == "get" \
                and steps[1].call is not None:
            args = steps[1].call.args
            text = tracking.resolve_string(args[0].value) if len(args) == 1 else None
            if text is None and len(args) == 2:  # models.get(owner, name)
                owner, name = (tracking.resolve_string(a.value) for a in args)
                text = f"{owner}/{name}" if owner and name else None
            if text is None:
                return None
            kind, ref = ("model" if steps[0].name == "models" else "deployment"), text
            steps = steps[2:]
    elif chain.kind in ("model", "version", "deployment"):
        kind, ref = chain.kind, chain.ref
    if kind is None or ref is None:
        return None
    if kind == "model" and len(steps) >= 2 and steps[0].name == "versions" and steps[1].name == "get" \
            and steps[1].call is not None and len(steps[1].call.args) == 1:
        version = tracking.resolve_string(steps[1].call.args[0].value)
        if version is None:
            return None
        kind, ref, steps = "version", f"{ref.split(':')[0]}:{version}", steps[2:]
    elif kind == "model" and steps and steps[0].name == "latest_version":
        kind, steps = "version", steps[1:]
    if steps:
        return None
    return kind, ref


class _Collector(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (ScopeProvider, QualifiedNameProvider, ParentNodeProvider)

    def __init__(self) -> None:
        super().__init__()
        self.tracking = Tracking(self)
        self.self_values: dict[str, list[Tracked | None]] = {}

    def visit_Import(self, node: cst.Import) -> None:
        if any(cst.helpers.get_full_name_for_node(a.name).split(".")[0] == "replicate"  # type: ignore[union-attr]
               for a in node.names):
            self.tracking.replicate_names = True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = cst.helpers.get_full_name_for_node(node.module) if node.module else ""
        if not node.relative and (module or "").split(".")[0] == "replicate":
            self.tracking.replicate_names = True

    def _assigned(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if value is None:
            return
        text = string_value(value)
        tracked = self.tracking.classify(value)
        if isinstance(target, cst.Name):
            if text is not None:
                self.tracking.strings[target] = text
            if tracked is not None:
                self.tracking.bindings[target] = tracked
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and \
                target.value.value == "self":
            self.self_values.setdefault(target.attr.value, []).append(tracked)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assigned(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._assigned(node.target, node.value)

    def visit_Param(self, node: cst.Param) -> None:
        name = node.name.value.lower()
        annotation = node.annotation.annotation if node.annotation else None
        if annotation is not None:
            path = self.tracking.replicate_path(annotation)
            text = string_value(annotation)
            if path == ["Client"] or text in ("Client", "replicate.Client", "replicate.client.Client"):
                self.tracking.bindings[node] = Tracked("client")
            return
        if "replicate" in name and name not in ("replicate_model", "replicate_version"):
            self.tracking.bindings[node] = Tracked("parameter")

    def leave_Module(self, original_node: cst.Module) -> None:
        for attribute, values in self.self_values.items():
            kinds = {(v.kind, v.ref) if v else None for v in values}
            if len(kinds) == 1 and None not in kinds and values[0] is not None:
                self.tracking.self_attributes[attribute] = values[0]


def track(wrapper: cst.MetadataWrapper, visitor: cst.MetadataDependent) -> Tracking:
    """Collects the file's Replicate bindings; the returned tracking reads metadata through
    `visitor`, the transformer that will use it on the same wrapper."""
    collector = _Collector()
    wrapper.visit(collector)
    tracking = collector.tracking
    tracking.visitor = visitor
    return tracking
