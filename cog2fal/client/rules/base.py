"""What a client rule sees (one call site and the file's context) and what it can do there:
rewrite the call, or flag it with a TODO and leave working Replicate code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import libcst as cst

from cog2fal.client.building import arg, call, dotted
from cog2fal.client.references import ModelMap, Target
from cog2fal.client.tracking import Chain, Tracking, model_reference

REFERENCE_KINDS = ("model", "version", "deployment")


@dataclass
class FileContext:
    """Shared by the rules over one file, like LibCST's CodemodContext."""

    display: str
    models: ModelMap
    tracking: Tracking
    blocked: set[object] = field(default_factory=set)  # bindings some use of which stays on Replicate
    newly_blocked: set[object] = field(default_factory=set)
    uses_fal_client: bool = False
    uses_helper: bool = False
    apps: set[str] = field(default_factory=set)  # fal apps the rewritten calls use

    def target(self, ref: str | None) -> Target | None:
        found = self.models.target(ref) if ref else None
        if found is not None:
            self.apps.add(found.app)
        return found

    def reference(self, node: cst.BaseExpression | None) -> str | None:
        """The model, version or deployment a value names: a string, a constant, a tracked
        `models.get(...)`/`versions.get(...)` result, or its `.id`."""
        if node is None:
            return None
        text = self.tracking.resolve_string(node)
        if text is not None:
            return text
        if isinstance(node, cst.Attribute) and node.attr.value == "id":
            node = node.value
        chain = self.tracking.chain_of(node)
        if chain is None:
            return None
        found = model_reference(self.tracking, chain)
        return found[1] if found else None


@dataclass
class CallSite:
    original: cst.Call
    updated: cst.Call
    chain: Chain
    line: int
    api: str  # how the call reads in Replicate's terms, for reports
    context: FileContext
    flags: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def args(self) -> list[cst.Arg]:
        return list(self.updated.args)

    notes: list[str] = field(default_factory=list)

    def flag(self, message: str) -> None:
        """The call stays on Replicate, with this TODO at its line."""
        self.flags.append(message)

    def note(self, message: str) -> None:
        """The call is rewritten, and this needs a look: a TODO at its line."""
        self.notes.append(message)

    def app_target(self, node: cst.BaseExpression | None, what: str = "model") -> Target | None:
        """The fal app for the reference `node`, or None after flagging why there is none."""
        ref = self.context.reference(node)
        if ref is None:
            self.flag(f"the {what} is not a constant: pass the fal app id (\"team/app\") here")
            return None
        target = self.context.target(ref)
        if target is None:
            if ":" not in ref and "/" not in ref:
                self.flag(f"version `{ref[:12]}…` has no fal app: map it in --map")
            else:
                self.flag(f"`{ref}` has no fal app: map it in --map or pass --fal-owner")
        return target

    def fal(self, name: str, *, asynchronous: bool = False) -> cst.BaseExpression | None:
        """The fal function for `name` (`subscribe`, `stream`, `submit`, ...) on the receiver
        this call used: module functions for `replicate`, the client's methods for a client
        (an `AsyncClient` with the same key for async calls). None when there is none."""
        chain = self.chain
        self.context.uses_fal_client = True
        if chain.kind == "module" or chain.kind in REFERENCE_KINDS:
            return dotted(f"fal_client.{name}_async" if asynchronous else f"fal_client.{name}")
        receiver = chain.receiver
        if receiver is None:
            return None
        if not asynchronous:
            return cst.Attribute(value=receiver, attr=cst.Name(name))
        if chain.kind == "client":
            client = call("fal_client.AsyncClient",
                          arg(cst.Attribute(value=receiver, attr=cst.Name("key")), "key"))
            return cst.Attribute(value=client, attr=cst.Name(name))
        return None

    def use_helper(self, name: str) -> cst.BaseExpression:
        self.context.uses_helper = True
        return dotted(f"fal_replicate_compat.{name}")


class ClientRule:
    """One family of Replicate's client API. `matches` looks at the chain; `rewrite` returns the
    new expression, or None after `site.flag(...)` when the call must stay as it is."""

    id: ClassVar[str]
    summary: ClassVar[str]
    replicate: ClassVar[str]  # the Replicate calls, for the docs
    fal: ClassVar[str]  # what they become

    def matches(self, chain: Chain) -> bool:
        raise NotImplementedError

    def rewrite(self, site: CallSite) -> cst.BaseExpression | None:
        raise NotImplementedError
