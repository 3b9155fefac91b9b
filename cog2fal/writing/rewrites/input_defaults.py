"""`x: T = Input(default=v, ...)` → `x: T = v` in the entrypoint's signature.

Cog's first positional argument is the default. `Input()` without a default leaves a required
parameter; `Input(default=None)` on a non-Optional type becomes `Optional[T] = None`, as that
input was optional on Replicate. Shared descriptors (`Inputs.prompt`) are inlined; a helper call
(`Inputs.num_steps_with(default=28)`) whose `Input(...)` was folded gives way to the folded
default. Descriptions, bounds and choices move to the fal Input model.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.codes import Code
from cog2fal.project import Entrypoint
from cog2fal.reading.inputs import is_ellipsis, is_input_call, shared_input, split_input_call
from cog2fal.writing.codemod.context import RewriteContext
from cog2fal.writing.codemod.signatures import SignatureRule, keep_signature_legal, optional_of
from cog2fal.writing.pysource import comment_text, literal


def optional_name(context: RewriteContext) -> cst.BaseExpression:
    """`Optional`, however the module spells it, or a name the import rule will add."""
    for local, qualname in context.bindings.names.items():
        if qualname == "typing.Optional":
            return cst.Name(local)
        if qualname == "typing":
            return cst.Attribute(value=cst.Name(local), attr=cst.Name("Optional"))
    context.needed_typing.add("Optional")
    return cst.Name("Optional")


class InputDefaults(SignatureRule):
    id = Code.RULE_INPUT_DEFAULTS
    summary = "replace Input(...) defaults in predict()/run()/train() by plain Python defaults"

    def rewrite_function(self, entry: Entrypoint, node: cst.FunctionDef) -> cst.FunctionDef:
        fields = {field.name: field for field in entry.inputs}
        bindings = self.context.bindings

        def rewrite(param: cst.Param) -> cst.Param:
            field = fields.get(param.name.value)
            call = param.default if is_input_call(param.default, bindings) else \
                shared_input(param.default, self.context.source, bindings)
            if field is None:
                return param
            if call is not None:
                parts = split_input_call(call)  # type: ignore[arg-type]
                default = None if is_ellipsis(parts.default) else parts.default
            elif field.declared_by and not field.default_source:
                # The helper's folded default (a run-time one leaves the call where it is).
                default = None if field.required or field.optional_by_none_default else \
                    cst.parse_expression(literal(field.default))
            else:
                return param
            self.changed = True
            if field.default_factory or (field.optional_by_none_default and default is None):
                default = cst.Name("None")  # a factory is called per request in the body, see below
            annotation = param.annotation
            wrap = field.optional_by_none_default or field.default_factory
            if wrap and field.type.kind != "optional" and annotation is not None:
                annotation = annotation.with_changes(
                    annotation=optional_of(annotation.annotation, optional_name(self.context)))
            if call is param.default:  # an `Inputs.x` reference leaves the Input call in place
                self.context.took_out(call)
            if default is None:
                return param.with_changes(default=None, equal=cst.MaybeSentinel.DEFAULT,
                                          annotation=annotation)
            return param.with_changes(default=default, annotation=annotation)

        params = keep_signature_legal(node.params, [rewrite(p) for p in node.params.params],
                                      [rewrite(p) for p in node.params.kwonly_params],
                                      entry.kind == "class")
        return _call_factories(node.with_changes(params=params), entry)


def _call_factories(node: cst.FunctionDef, entry: Entrypoint) -> cst.FunctionDef:
    """`Input(default_factory=f)`: Cog called `f()` for each prediction; so does the function now."""
    factories = [(f.name, f.default_factory) for f in entry.inputs if f.default_factory]
    if not factories or not isinstance(node.body, cst.IndentedBlock):
        return node
    body = list(node.body.body)
    has_docstring = bool(body) and isinstance(body[0], cst.SimpleStatementLine) and \
        isinstance(body[0].body[0], cst.Expr) and isinstance(body[0].body[0].value, cst.SimpleString)
    position = 1 if has_docstring else 0
    added = [cst.parse_statement(
        f"if {name} is None:  # Cog's Input(default_factory={comment_text(factory)})\n"
        f"    {name} = {factory}()\n") for name, factory in factories]
    existing = {cst.Module([]).code_for_node(statement) for statement in body}
    added = [s for s in added if cst.Module([]).code_for_node(s) not in existing]
    return node.with_changes(body=node.body.with_changes(body=[*body[:position], *added, *body[position:]]))
