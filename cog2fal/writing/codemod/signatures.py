"""Helpers the signature rules share: finding entrypoint methods, keeping signatures legal."""

from __future__ import annotations

import libcst as cst

from cog2fal.project import Entrypoint
from cog2fal.writing.codemod.context import RewriteContext
from cog2fal.writing.codemod.rule import Rule


class EntrypointMethods(cst.CSTTransformer):
    """Calls `rewrite_function(entry, node)` on each entrypoint's method or function."""

    def __init__(self, entrypoints: list[Entrypoint]):
        super().__init__()
        self.entrypoints = entrypoints
        self.classes: list[str] = []
        self.depth = 0

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.classes.append(node.name.value)
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef) -> cst.ClassDef:
        self.classes.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef,
                          updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.depth -= 1
        if self.depth > 0:
            return updated_node
        owner = self.classes[-1] if len(self.classes) == 1 else None
        for entry in self.entrypoints:
            if updated_node.name.value != entry.method:
                continue
            if (entry.kind == "function" and owner is None and not self.classes) or \
                    (entry.kind == "class" and owner is not None and owner == entry.method_owner):
                updated_node = self.rewrite_function(entry, updated_node)
        return updated_node

    def rewrite_function(self, entry: Entrypoint, node: cst.FunctionDef) -> cst.FunctionDef:
        raise NotImplementedError


def keep_signature_legal(params: cst.Parameters, positional: list[cst.Param],
                         kwonly: list[cst.Param], is_method: bool) -> cst.Parameters:
    """`params` with new parameter lists. Removing `Input()` defaults can leave a required
    parameter after an optional one; then the inputs become keyword-only, which keeps the
    signature legal and `predict(x=...)` calls working."""
    head = positional[:1] if is_method else []
    inputs = positional[1:] if is_method else positional
    seen_default = any(param.default is not None for param in head)
    legal = True
    for param in inputs:
        if param.default is not None:
            seen_default = True
        elif seen_default:
            legal = False
    if legal:
        return params.with_changes(params=positional, kwonly_params=kwonly)
    star: cst.ParamStar | cst.MaybeSentinel = params.star_arg  # type: ignore[assignment]
    if not isinstance(star, cst.ParamStar):
        comma = head[-1].comma if head and isinstance(head[-1].comma, cst.Comma) else \
            cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
        star = cst.ParamStar(comma=comma)
    if head and not isinstance(head[-1].comma, cst.Comma):
        head[-1] = head[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return params.with_changes(params=head, star_arg=star, kwonly_params=[*inputs, *kwonly])


def optional_of(annotation: cst.BaseExpression, optional_name: cst.BaseExpression) -> cst.Subscript:
    return cst.Subscript(value=optional_name,
                         slice=[cst.SubscriptElement(slice=cst.Index(value=annotation))])


class SignatureRule(Rule, EntrypointMethods):
    """A rule that rewrites the entrypoints' signatures (subclasses define `rewrite_function`)."""

    def __init__(self, context: RewriteContext):
        Rule.__init__(self, context)
        EntrypointMethods.__init__(self, context.entrypoints)

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return bool(context.entrypoints)
