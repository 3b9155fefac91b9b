"""The 2021 `@cog.input("name", default=..., help=...)` decorators → plain defaults.

The decorators are removed from the entrypoint method; a decorator's default becomes the
parameter's default (`default=None` stays `None`, the input was optional).
"""

from __future__ import annotations

import libcst as cst

from cog2fal.codes import Code
from cog2fal.project import Entrypoint
from cog2fal.reading.cog_api import legacy_input, legacy_input_name
from cog2fal.writing.codemod.context import RewriteContext
from cog2fal.writing.codemod.signatures import SignatureRule, keep_signature_legal


class LegacyInputs(SignatureRule):
    id = Code.RULE_LEGACY_INPUTS
    summary = "remove @cog.input decorators, moving their defaults into the signature"

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return any(entry.api == "legacy" for entry in context.entrypoints)

    def rewrite_function(self, entry: Entrypoint, node: cst.FunctionDef) -> cst.FunctionDef:
        defaults: dict[str, cst.BaseExpression] = {}
        kept = []
        for decorator in node.decorators:
            call = legacy_input(decorator, self.context.bindings)
            if call is not None:
                name = legacy_input_name(call)
                for arg in call.args:
                    if arg.keyword is not None and arg.keyword.value == "default" and name:
                        defaults[name] = arg.value
                self.context.took_out(call)
            else:
                kept.append(decorator)
        if len(kept) == len(node.decorators):
            return node
        self.changed = True

        def with_default(param: cst.Param) -> cst.Param:
            default = defaults.get(param.name.value)
            if default is None or param.default is not None:
                return param
            return param.with_changes(default=default, equal=cst.AssignEqual(
                whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")))

        params = keep_signature_legal(node.params, [with_default(p) for p in node.params.params],
                                      list(node.params.kwonly_params), entry.kind == "class")
        # The first decorator's blank/comment lines belong to the function: keep them.
        leading = node.decorators[0].leading_lines if node.decorators and not kept else []
        return node.with_changes(decorators=kept, params=params,
                                 leading_lines=[*node.leading_lines, *leading])
