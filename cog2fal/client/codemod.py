"""One file through the client rules: read and parse it, track Replicate's names, try the call
rules at each call (innermost first), rewrite names, mark what is left with TODO comments at its
line, then fix the imports. Untouched files come back as they were, byte for byte."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    ScopeProvider,
)

from cog2fal.client.building import string
from cog2fal.client.references import ModelMap
from cog2fal.client.rules import CALL_RULES
from cog2fal.client.rules.base import REFERENCE_KINDS, CallSite, FileContext
from cog2fal.client.rules.common import WEBHOOK_TODO
from cog2fal.client.rules.imports import rewrite_imports
from cog2fal.client.rules.names import Environment, Exceptions
from cog2fal.client.rules.webhooks import Webhooks
from cog2fal.client.sites import TODO_CODE, TODO_PREFIX, FileResult, Site
from cog2fal.client.tracking import Chain, Tracking, track
from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.reading.source import check_compiles, read_text

MAX_BYTES = 2_000_000  # larger .py files are generated data, not client code
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
_MAX_PASSES = 4
# Methods a fal_client client has: on a client passed in, code already moved to fal.
_FAL_METHODS = {"subscribe", "submit", "status", "result", "cancel", "get_handle", "upload", "upload_file",
                "upload_image", "realtime", "ws_connect", "key"}


def _api(chain: Chain) -> str:
    root = {"module": "replicate", "client": "client", "parameter": "client"}.get(chain.kind, chain.kind)
    return ".".join([root, *(step.name for step in chain.steps)])


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (ScopeProvider, QualifiedNameProvider, ParentNodeProvider, PositionProvider)

    def __init__(self, display: str, models: ModelMap, blocked: set[object]):
        super().__init__()
        self.display = display
        self.models = models
        self.blocked = blocked
        self.context: FileContext | None = None
        self.sites: list[Site] = []
        self.todos: dict[cst.CSTNode, list[str]] = {}
        self.statements: list[cst.CSTNode] = []
        self.imports = 0

    def start(self, tracking: Tracking) -> None:
        self.context = FileContext(self.display, self.models, tracking, set(self.blocked))

    # -- where TODOs go: above the innermost statement of the site -------------------------

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def _key(self, chain: Chain | None) -> object | None:
        """A tracked variable, by where it is bound: node identities do not survive a new pass."""
        if chain is None:
            return None
        if chain.binding is not None:
            return self._place(chain.binding)
        if isinstance(chain.receiver, cst.Attribute):
            return ("self", chain.receiver.attr.value)
        return None

    def _place(self, node: cst.CSTNode) -> object:
        start = self.get_metadata(PositionProvider, node).start
        return ("at", start.line, start.column)

    def _todo(self, message: str) -> None:
        if self.statements:
            self.todos.setdefault(self.statements[-1], []).append(TODO_PREFIX + message)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _STATEMENTS):
            self.statements.append(node)
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            return False
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[no-untyped-def]
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, _STATEMENTS):
            self.statements.pop()
            comments = self.todos.pop(original_node, [])
            if comments and isinstance(result, _STATEMENTS):
                existing = {line.comment.value for line in result.leading_lines if line.comment}
                new = [cst.EmptyLine(comment=cst.Comment(text)) for text in dict.fromkeys(comments)
                       if text not in existing]
                if new:
                    result = result.with_changes(leading_lines=[*result.leading_lines, *new])
        return result

    # -- calls ------------------------------------------------------------------------------

    def _record(self, line: int, api: str, status: str, rule: str, detail: str) -> None:
        self.sites.append(Site(self.display, line, api, status, rule, detail))  # type: ignore[arg-type]

    def _flag(self, node: cst.CSTNode, api: str, rule: str, message: str, chain: Chain | None) -> None:
        assert self.context is not None
        self._todo(message)
        self._record(self._line(node), api, "flagged", rule, message)
        key = self._key(chain)
        if key is not None:
            self.context.newly_blocked.add(key)

    def _is_inner(self, node: cst.Call) -> bool:
        """`replicate.models.get(x)` in `replicate.models.get(x).versions.get(y)`: the outer call
        speaks for the chain."""
        inner: cst.CSTNode = node
        parent = self.get_metadata(ParentNodeProvider, node, None)
        while isinstance(parent, cst.Attribute) and parent.value is inner:
            inner, parent = parent, self.get_metadata(ParentNodeProvider, parent, None)
        return inner is not node and isinstance(parent, cst.Call) and parent.func is inner

    def _assigned_to_blocked(self, node: cst.CSTNode) -> bool:
        """`client = replicate.Client()` where some use of `client` stays on Replicate."""
        assert self.context is not None
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if not isinstance(parent, cst.Assign) or len(parent.targets) != 1:
            return False
        target = parent.targets[0].target
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == "self":
            return ("self", target.attr.value) in self.context.blocked
        return self._place(target) in self.context.blocked

    def _is_tracked_value(self, node: cst.CSTNode) -> bool:
        assert self.context is not None
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, (cst.Assign, cst.AnnAssign)):
            targets = ([t.target for t in parent.targets] if isinstance(parent, cst.Assign)
                       else [parent.target])
            tracking = self.context.tracking
            return any(t in tracking.bindings or (isinstance(t, cst.Attribute) and t.attr.value in
                                                  tracking.self_attributes) for t in targets)
        return False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        assert self.context is not None
        chain = self.context.tracking.chain_of(original_node.func)
        if chain is None:
            return updated_node
        api = _api(chain)
        if chain.kind in ("client", "parameter") and chain.steps and chain.steps[0].name in _FAL_METHODS:
            return updated_node
        key = self._key(chain)
        if key is not None and key in self.context.blocked:
            if self._is_inner(original_node):
                return updated_node
            if chain.kind == "client" or not self._is_tracked_value(original_node):
                self._flag(original_node, api, TODO_CODE,
                           f"`{api}` stays on Replicate's client, with the other "
                           "uses of this client that have no fal equivalent", None)
            return updated_node
        if self._assigned_to_blocked(original_node):
            self._flag(original_node, api, TODO_CODE,
                       "kept on Replicate's client: some of its uses below have no fal equivalent", None)
            return updated_node
        for rule in CALL_RULES:
            if not rule.matches(chain):
                continue
            site = CallSite(original_node, updated_node, chain, self._line(original_node), api, self.context)
            result = rule.rewrite(site)
            if result is None or site.flags:
                for message in site.flags or ["not rewritten"]:
                    self._flag(original_node, api, rule.id, message, chain)
                return updated_node
            for message in site.notes:
                self._todo(message)
            detail = site.detail + "".join(f"; TODO: {note}" for note in site.notes)
            self._record(site.line, api, "rewritten", rule.id, detail)
            return result
        if self._is_inner(original_node) or self._is_tracked_value(original_node) \
                or (chain.kind in REFERENCE_KINDS and not chain.steps):
            return updated_node
        self._flag(original_node, api, TODO_CODE, f"`{api}` has no fal_client equivalent", chain)
        return updated_node

    # -- variables holding Replicate's objects ---------------------------------------------

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        assert self.context is not None
        if len(original_node.targets) != 1:
            return updated_node
        target = original_node.targets[0].target
        tracking = self.context.tracking
        tracked = tracking.bindings.get(target)
        key: object = self._place(target)
        if tracked is None and isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value == "self":
            tracked = tracking.self_attributes.get(target.attr.value)
            key = ("self", target.attr.value)
        if tracked is None or key in self.context.blocked:
            return updated_node
        if tracked.kind == "module":
            self.context.uses_fal_client = True
            self._record(self._line(original_node), "replicate", "rewritten", Code.CLIENT_CLIENTS,
                         "fal_client")
            return updated_node.with_changes(value=cst.Name("fal_client"))
        if tracked.kind in REFERENCE_KINDS:
            found = self.context.target(tracked.ref)
            api = f"replicate.{'deployments' if tracked.kind == 'deployment' else 'models'}.get"
            if found is None:
                self._flag(original_node, api, Code.CLIENT_PREDICT,
                           f"`{tracked.ref}` has no fal app: map it in --map or pass --fal-owner", None)
                self.context.newly_blocked.add(key)
                return updated_node
            if not self._only_understood_uses(target):
                self._flag(original_node, api, Code.CLIENT_PREDICT,
                           f"`{cst.Module([]).code_for_node(target)}` is used for more than running the "
                           "model: keep it on Replicate or rewrite those uses", None)
                self.context.newly_blocked.add(key)
                return updated_node
            self._record(self._line(original_node), api, "rewritten", Code.CLIENT_PREDICT, found.app)
            return updated_node.with_changes(value=string(found.app))
        return updated_node

    def _only_understood_uses(self, target: cst.CSTNode) -> bool:
        scope = self.get_metadata(ScopeProvider, target, None)
        if scope is None or not isinstance(target, cst.Name):
            return False
        for assignment in scope.assignments[target.value]:
            if getattr(assignment, "node", None) is not target:
                continue
            for access in assignment.references:
                parent = self.get_metadata(ParentNodeProvider, access.node, None)
                if isinstance(parent, cst.Attribute) and parent.attr.value in (
                        "predict", "versions", "latest_version", "id", "predictions"):
                    continue
                if isinstance(parent, cst.Arg) and parent.keyword is not None and \
                        parent.keyword.value in ("version", "model", "deployment"):
                    continue
                return False
        return True

    # -- webhook receivers ---------------------------------------------------------------

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript,
    ) -> cst.BaseExpression:
        """`(await request.json())["output"]`, `payload["status"]` of a parsed request body: a
        receiver of Replicate's webhook payload, which fal's does not match. Flagged once per
        statement; the code is left as it is."""
        key = original_node.slice[0].slice if len(original_node.slice) == 1 else None
        field = key.value if isinstance(key, cst.Index) else None
        if isinstance(field, cst.SimpleString) and field.evaluated_value in ("output", "status") and \
                self._is_request_body(original_node.value):
            self._flag(original_node, "webhook payload", Webhooks.id, WEBHOOK_TODO, None)
        return updated_node

    def _is_request_body(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.Await):
            node = node.expression
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return node.func.attr.value in ("json", "get_json") and not node.args
        if isinstance(node, cst.Name) and self.context is not None:
            for assignment in self.context.tracking._assignments(node):
                parent = self.get_metadata(ParentNodeProvider, getattr(assignment, "node", None), None)
                statement = (self.get_metadata(ParentNodeProvider, parent, None)
                             if parent is not None else None)
                if isinstance(statement, cst.Assign) and self._is_request_body(statement.value):
                    return True
        return False

    # -- names -------------------------------------------------------------------------------

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute,
    ) -> cst.BaseExpression:
        return self._exception(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._exception(original_node, updated_node)

    def _exception(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        assert self.context is not None
        path = self.context.tracking.replicate_path(original)
        replacement = Exceptions.replacement(path) if path else None
        if path == ["Client"] and isinstance(self.get_metadata(ParentNodeProvider, original, None),
                                             cst.Annotation):
            replacement = cst.parse_expression("fal_client.SyncClient")  # `client: replicate.Client`
        if replacement is None:
            return updated
        self.context.uses_fal_client = True
        self._record(self._line(original), "replicate." + ".".join(path or []), "rewritten", Exceptions.id,
                     cst.Module([]).code_for_node(replacement))
        return replacement

    def _reads_environment(self, node: cst.SimpleString) -> bool:
        """`os.environ["X"]`, `os.getenv("X")`, `os.environ.get("X")` and the like: the places the
        token's variable is read or set, not any string that happens to spell it."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Index):
            element = self.get_metadata(ParentNodeProvider, parent, None)
            subscript = self.get_metadata(ParentNodeProvider, element, None) if element is not None else None
            return isinstance(subscript, cst.Subscript) and \
                (cst.helpers.get_full_name_for_node(subscript.value) or "").endswith("environ")
        if isinstance(parent, cst.Arg):
            func = self.get_metadata(ParentNodeProvider, parent, None)
            name = cst.helpers.get_full_name_for_node(func.func) if isinstance(func, cst.Call) else None
            return bool(name) and (name.split(".")[-1] in ("getenv", "putenv", "unsetenv") or (
                ".environ." in f".{name}" and name.split(".")[-1] in ("get", "setdefault", "pop")))
        return False

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString,
    ) -> cst.BaseExpression:
        if not self._reads_environment(original_node):
            return updated_node
        replacement = Environment.replacement(updated_node)
        if replacement is None:
            return updated_node
        self._record(self._line(original_node), "REPLICATE_API_TOKEN", "rewritten", Environment.id, "FAL_KEY")
        return replacement


def _could_use_replicate(text: str) -> bool:
    return "replicate" in text.lower()


def rewrite_text(text: str, display: str, models: ModelMap, *, package: bool = False) -> FileResult:
    """The rewritten text of one file (None when nothing changes) and its call sites."""
    if not _could_use_replicate(text):
        return FileResult(display, None)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise CogProjectError(f"cannot parse: {exc.message}", display, exc.raw_line) from None
    except RecursionError:
        raise CogProjectError("code nests too deeply to rewrite", display, 1) from None
    blocked: set[object] = set()
    for _ in range(_MAX_PASSES):
        wrapper = MetadataWrapper(module)
        rewriter = _Rewriter(display, models, blocked)
        tracking = track(wrapper, rewriter)
        if not tracking.replicate_names and not tracking.bindings and not tracking.self_attributes:
            return FileResult(display, None)
        rewriter.start(tracking)
        new_module = wrapper.visit(rewriter)
        context = rewriter.context
        assert context is not None
        fresh = context.newly_blocked - blocked
        if not fresh:
            break
        blocked |= fresh
    if any(site.status == "rewritten" for site in rewriter.sites):
        new_module = rewrite_imports(new_module, context.uses_fal_client, context.uses_helper, package)
    code = new_module.code
    sites = sorted(rewriter.sites, key=lambda site: (site.line, site.api))
    if code == text:
        return FileResult(display, None, sites)
    return FileResult(display, code, sites, context.uses_helper)


def read_python(path: Path, display: str) -> str:
    """The file's text, or a `file:line` error for what is not Python source we can rewrite."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CogProjectError(f"cannot read file: {exc.strerror}", display) from None
    if size > MAX_BYTES:
        raise CogProjectError(f"file too large to rewrite ({size} bytes, at most {MAX_BYTES})", display, 1)
    head = path.read_bytes()
    if b"\0" in head:
        line = head[: head.index(b"\0")].count(b"\n") + 1
        raise CogProjectError("binary file, not Python source", display, line)
    text, _ = read_text(path, display)
    if _could_use_replicate(text):
        check_compiles(text, display)
    return text
