"""`--build`: build a container app's image (or a bare Dockerfile's), then smoke-test it.

Shared by `convert --build`, `dockerfile --build` and `verify --in-image`. The Dockerfile of a
converted app is its `DOCKERFILE` string, read statically from the app file (never imported), and
errors point into that file at the Dockerfile line that failed.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from cog2fal.errors import CogProjectError
from cog2fal.images.build import build_image, human_size
from cog2fal.images.smoke import RUNTIME_MODULE, failed_summary, smoke_test


def app_dockerfile(app_file: Path) -> tuple[str, int]:
    """The app's `DOCKERFILE = \"\"\"...\"\"\"` text and the file line its first line is on."""
    try:
        tree = ast.parse(app_file.read_text(encoding="utf-8"), str(app_file))
    except (OSError, SyntaxError, UnicodeDecodeError) as exc:
        raise CogProjectError(f"cannot read the app file: {exc}", app_file) from None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and len(node.targets) == 1
                and isinstance(node.targets[0], ast.Name) and node.targets[0].id == "DOCKERFILE"
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            # `DOCKERFILE = """\` puts the Dockerfile's first line on the next line.
            return node.value.value, node.value.lineno + 1
    raise CogProjectError("no DOCKERFILE string: this is not a container app (convert with "
                          "--mode container to get one)", app_file)


def build_and_check(root: Path, dockerfile: str, tag: str, *, extra_files: dict[str, str] | None = None,
                    where: str = "Dockerfile", first_line: int = 1, smoke: bool = True,
                    converted: bool = True, console: Console | None = None) -> dict[str, Any]:
    """Builds and smoke-tests; the facts for reports. Build or smoke failures raise one line.
    `converted`: the context is a converted app (cog2fal_runtime must import), not a bare Cog
    project (`dockerfile --build`)."""
    from cog2fal.images.engine import connect

    console = console or Console(stderr=True, highlight=False)
    client = connect()
    built = build_image(root, dockerfile, tag, extra_files=extra_files, where=where,
                        first_line=first_line, console=console, client=client)
    facts: dict[str, Any] = built.facts()
    if not smoke:
        return facts
    modules = ("fal", RUNTIME_MODULE) if converted else ("fal",)
    checks = smoke_test(tag, list(built.shipped), client=client, modules=modules)
    facts["smoke_test"] = [check.facts() for check in checks]
    for check in checks:
        mark = "[green]ok[/]" if check.ok else "[red]failed[/]"
        console.print(f"  smoke {mark} {escape(check.name)}: {escape(check.detail)}", soft_wrap=True)
    problem = failed_summary(checks)
    if problem:
        raise CogProjectError(f"{problem} (image {tag} kept for a look)", where)
    console.print(f"[bold green]Ready[/] {escape(tag)}: {human_size(built.size)}; "
                  f"{', '.join(modules)} and the files load in it without a GPU")
    return facts
