"""Before/after checks for rewrite rules, in django-upgrade's style: dedented sources, the
expected output compiled, and a no-op check that asserts nothing changed."""

from __future__ import annotations

import textwrap
from pathlib import Path

from cog2fal.reading.project_reader import read_project
from cog2fal.reading.source import SourceFile
from cog2fal.writing.rewrites import RewriteContext, rewrite_module


def rewrite(tmp_path: Path, source: str, ref: str = "predict.py:Predictor") -> tuple[str, RewriteContext]:
    source = textwrap.dedent(source).lstrip("\n")
    (tmp_path / "cog.yaml").write_text(f'predict: "{ref}"\n')
    (tmp_path / ref.split(":")[0]).write_text(source)
    sources: dict[str, SourceFile] = {}
    project = read_project(tmp_path, sources)
    file = ref.split(":")[0]
    todos = [f for f in project.findings if f.severity == "todo"]
    context = RewriteContext(sources[file], [project.predictor], todos)
    code = rewrite_module(context).code
    compile(code, file, "exec", dont_inherit=True)
    return code, context


def check_transformed(tmp_path: Path, before: str, after: str, **kwargs) -> RewriteContext:
    code, context = rewrite(tmp_path, before, **kwargs)
    assert code == textwrap.dedent(after).lstrip("\n")
    return context


def check_noop(tmp_path: Path, source: str, **kwargs) -> None:
    code, context = rewrite(tmp_path, source, **kwargs)
    assert code == textwrap.dedent(source).lstrip("\n")
    assert context.applied == []
