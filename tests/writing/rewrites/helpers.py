"""Before/after checks for rewrite rules, in django-upgrade's and Fixit's style: source strings
in memory (no project on disk), the rules under test named, every output compiled, and a no-op
check that asserts nothing changed."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import libcst as cst

from cog2fal.project import CogConfig
from cog2fal.reading.positions import positions
from cog2fal.reading.predictor import PredictorAnalyzer
from cog2fal.reading.source import SourceFile, check_compiles
from cog2fal.writing.codemod.rule import Rule, apply_rules
from cog2fal.writing.rewrites import RULES, RewriteContext, module_code


def context_for(source: str, entrypoint: str | None = "Predictor",
                file: str = "predict.py") -> RewriteContext:
    """The context `convert` gives the rules for `source`, read as the file cog.yaml's `predict:`
    points at (`file:entrypoint`): the entrypoint analysed, its TODOs to place."""
    text = textwrap.dedent(source).lstrip("\n")
    check_compiles(text, file)
    module = cst.parse_module(text)
    parsed = SourceFile(file, text, module, positions(module))
    findings: list = []
    config = CogConfig(predict=f"{file}:{entrypoint}")
    entries = [] if entrypoint is None else [
        PredictorAnalyzer(parsed, config, findings).analyze(entrypoint, "predict")]
    return RewriteContext(parsed, entries, [f for f in findings if f.severity == "todo"])


def rewrite(source: str, rules: Sequence[type[Rule]] = RULES, **kwargs) -> tuple[str, RewriteContext]:
    context = context_for(source, **kwargs)
    module = apply_rules(rules, context)
    code = module_code(module, context.source)
    assert code == module.code
    compile(code, context.source.display, "exec", dont_inherit=True)
    return code, context


def check_transformed(before: str, after: str, rules: Sequence[type[Rule]] = RULES,
                      **kwargs) -> RewriteContext:
    code, context = rewrite(before, rules, **kwargs)
    assert code == textwrap.dedent(after).lstrip("\n")
    assert context.applied
    return context


def check_noop(source: str, rules: Sequence[type[Rule]] = RULES, **kwargs) -> RewriteContext:
    code, context = rewrite(source, rules, **kwargs)
    assert code == textwrap.dedent(source).lstrip("\n")
    assert context.applied == []
    return context
