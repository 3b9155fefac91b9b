"""Every entrypoint file of a project, read and rewritten as `convert` does, for print checks."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from cog2fal.reading.project_reader import read_project
from cog2fal.reading.source import SourceFile
from cog2fal.writing.rewrites import RewriteContext, rewrite_module


def rewritten_sources(project: Path) -> list[tuple[SourceFile, cst.Module]]:
    """(original, rewritten module) per file read; raises CogProjectError like read_project."""
    sources: dict[str, SourceFile] = {}
    read = read_project(project, sources)
    entries = [e for e in (read.predictor, read.trainer) if e is not None]
    todos = [f for f in read.findings if f.severity == "todo"]
    found = []
    for name, source in sources.items():
        context = RewriteContext(source, [e for e in entries if e.file == name],
                                 [t for t in todos if t.location and t.location.file == name])
        found.append((source, rewrite_module(context)))
    return found
