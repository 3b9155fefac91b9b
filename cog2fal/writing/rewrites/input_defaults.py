"""C2F201: `x: T = Input(default=v, ...)` → `x: T = v` in the entrypoint's signature.

Cog's first positional argument is the default. `Input()` without a default leaves a required
parameter; `Input(default=None)` on a non-Optional type becomes `Optional[T] = None`, as that
input was optional on Replicate. Shared descriptors (`Inputs.prompt`) are inlined. Descriptions,
bounds and choices move to the fal Input model.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.project import Entrypoint
from cog2fal.reading.inputs import is_ellipsis, is_input_call, shared_input, split_input_call
from cog2fal.writing.rewrites.base import RewriteContext, Rule
from cog2fal.writing.rewrites.signatures import EntrypointMethods, keep_signature_legal, optional_of


def optional_name(context: RewriteContext) -> cst.BaseExpression:
    """`Optional`, however the module spells it, or a name the import rule will add."""
    for local, qualname in context.bindings.names.items():
        if qualname == "typing.Optional":
            return cst.Name(local)
        if qualname == "typing":
            return cst.Attribute(value=cst.Name(local), attr=cst.Name("Optional"))
    context.needed_typing.add("Optional")
    return cst.Name("Optional")


class InputDefaults(Rule, EntrypointMethods):
    id = "C2F201"
    summary = "replace Input(...) defaults in predict()/run()/train() by plain Python defaults"

    def __init__(self, context: RewriteContext):
        Rule.__init__(self, context)
        EntrypointMethods.__init__(self, context.entrypoints)

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return bool(context.entrypoints)

    def rewrite_function(self, entry: Entrypoint, node: cst.FunctionDef) -> cst.FunctionDef:
        fields = {field.name: field for field in entry.inputs}
        bindings = self.context.bindings

        def rewrite(param: cst.Param) -> cst.Param:
            field = fields.get(param.name.value)
            call = param.default if is_input_call(param.default, bindings) else \
                shared_input(param.default, self.context.source, bindings)
            if field is None or call is None:
                return param
            parts = split_input_call(call)  # type: ignore[arg-type]
            default = None if is_ellipsis(parts.default) else parts.default
            if field.default_source and default is None:  # default_factory
                default = cst.parse_expression(field.default_source)
            annotation = param.annotation
            if field.optional_by_none_default and annotation is not None:
                annotation = annotation.with_changes(
                    annotation=optional_of(annotation.annotation, optional_name(self.context)))
            if default is None:
                return param.with_changes(default=None, equal=cst.MaybeSentinel.DEFAULT,
                                          annotation=annotation)
            return param.with_changes(default=default, annotation=annotation)

        params = keep_signature_legal(node.params, [rewrite(p) for p in node.params.params],
                                      [rewrite(p) for p in node.params.kwonly_params],
                                      entry.kind == "class")
        return node.with_changes(params=params)
