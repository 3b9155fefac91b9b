"""`cog2fal convert`: one project or a batch, written, checked or diffed."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from cog2fal.conversion import ConvertOptions
from cog2fal.convert import convert_project
from cog2fal.errors import CogProjectError, GivenPathError, from_os_error, placed
from cog2fal.images.argument import open_argument, schema_summary
from cog2fal.output import check_outside_projects, check_writable, differences, unified_diff, write_tree
from cog2fal.reporting.endpoints import endpoints
from cog2fal.reporting.findings import STYLE, finding_json
from cog2fal.reporting.migration import sorted_findings
from cog2fal.reporting.persistent_cache import cache_json


def _report(conversion, out: Path, status: str) -> dict[str, Any]:
    plan = conversion.plan
    return {
        "status": status,
        "model_dir": conversion.project.root,
        "out": str(out),
        "app_file": conversion.app_file,
        "app_class": plan.class_name,
        "app_name": plan.app_name,
        "mode": plan.mode,
        "mode_reason": conversion.mode_reason,
        "machine_type": plan.machine_type,
        "endpoints": endpoints(conversion.project),
        "files": sorted(conversion.files),
        "persistent_cache": cache_json(plan.cache),
        "findings": [finding_json(f) for f in sorted_findings(conversion.findings)],
    }


def _print_summary(console: Console, conversion, out: Path, status: str) -> None:
    findings = sorted_findings(conversion.findings)
    for finding in findings:
        if finding.severity == "info":
            continue
        where = f"{finding.location}: " if finding.location else ""
        console.print(f"  [{STYLE[finding.severity]}]{finding.severity}[/] {escape(where + finding.message)}",
                      highlight=False, soft_wrap=True)
    todos = sum(f.severity == "todo" for f in findings)
    verb = {"written": "Converted", "unchanged": "Up to date", "would change": "Would rewrite"}[status]
    console.print(
        f"[bold green]{verb}[/] {escape(str(conversion.project.config.predict))} → "
        f"{escape(str(out / conversion.app_file))} (class {conversion.plan.class_name}, "
        f"{conversion.plan.mode} mode"
        f"{_todo_note(todos)})",
        highlight=False, soft_wrap=True)


def _todo_note(todos: int) -> str:
    return f", {todos} TODO{'s' if todos != 1 else ''}: see MIGRATION.md" if todos else ""


def _one(model_dir: Path, out: Path, options: ConvertOptions, *, check: bool, diff: bool,
         force: bool, published: list) -> tuple[int, Any]:
    conversion = convert_project(model_dir, options, out=out, published=published)
    if check or diff:
        changed = differences(conversion.files, out)
        if diff and changed:
            sys.stdout.write(unified_diff(conversion.files, out))
        return (1 if changed else 0), (conversion, "would change" if changed else "unchanged")
    check_writable(out, model_dir, force)
    write_tree(conversion.files, out)
    return 0, (conversion, "written")


def run_convert(model_dirs: list[Path], options: ConvertOptions, *, out: Path | None = None,
                out_root: Path | None = None, check: bool = False, diff: bool = False, force: bool = False,
                as_json: bool = False, image: bool = False, schema: Path | None = None, build: bool = False,
                tag: str | None = None, base_image: str | None = None) -> int:
    """Each project (or Cog image) converted with the same options; one that fails is reported and
    skipped. `schema`: a published Cog schema file the inputs are checked against. `build`: the
    written container app's image built and smoke-tested (as `tag`). `base_image`: container mode
    FROM that Cog image."""
    console = Console(stderr=as_json or diff, highlight=False)
    writing = not (check or diff)
    if out_root is not None and writing:
        check_outside_projects(out_root, model_dirs, "--out-root")
    if base_image is not None:
        from cog2fal.images.base_image import resolve_base_image
        try:
            base = resolve_base_image(base_image, console=Console(stderr=True))
        except CogProjectError as error:
            sys.stderr.write(f"error: {error}\n")
            return 2
        options = dataclasses.replace(options, mode="container", base_image=base)
    reports: list[dict[str, Any]] = []
    worst = 0
    progress = None
    if len(model_dirs) > 1 and not as_json:
        from rich.progress import Progress
        progress = Progress(console=Console(stderr=True), transient=True)
        progress.start()
        task = progress.add_task("Converting", total=len(model_dirs))
    given_schemas = []
    if schema is not None:
        from cog2fal.reading.published_schema import read_schema_file
        try:
            given_schemas.append(read_schema_file(schema))
        except CogProjectError as error:
            sys.stderr.write(f"error: {error}\n")
            return 2
    try:
        for model_dir in model_dirs:
            try:
                with open_argument(model_dir, image=image, console=Console(stderr=True)) as argument:
                    target = out or (out_root / argument.default_out.name if out_root else
                                     argument.default_out)
                    if writing and len(model_dirs) > 1:
                        check_outside_projects(target, model_dirs)
                    published = given_schemas + argument.published
                    chosen = dataclasses.replace(options, app_name=options.app_name or argument.app_name)
                    code, (conversion, status) = _one(argument.folder, target, chosen, check=check,
                                                      diff=diff, force=force, published=published)
                    built = _build(conversion, target, tag) if build else None
            except (CogProjectError, OSError) as caught:
                failure = _as_project_error(caught)
                sys.stderr.write(f"error: {placed(failure, model_dir)}\n")
                reports.append({"status": "error", "model_dir": str(model_dir), "error": str(failure)})
                worst = 2
                continue
            worst = max(worst, code)
            reports.append({**_report(conversion, target, status),
                            **argument.report(published, conversion.schema_differences),
                            **({"build": built} if built is not None else {}),
                            **({"base_image": options.base_image.facts()} if options.base_image else {})})
            if not as_json:
                for note in argument.notes():
                    console.print(f"  [dim]{escape(note)}[/]", highlight=False, soft_wrap=True)
                _print_summary(console, conversion, target, status)
                summary = schema_summary(published, conversion.schema_differences)
                if summary:
                    console.print(f"  schema: {escape(summary)}", highlight=False, soft_wrap=True)
            if progress is not None:
                progress.advance(task)
    finally:
        if progress is not None:
            progress.stop()
    if as_json:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, indent=2))
    elif check and worst == 0:
        console.print("No files would change.")
    return worst


def _as_project_error(caught: CogProjectError | OSError) -> CogProjectError:
    """An OS refusal (a file nobody may read, a full disk) fails this project of the batch as bad
    input does; any other OSError is a bug of ours, for the CLI to report."""
    if isinstance(caught, CogProjectError):
        return caught
    error = from_os_error(caught)
    if error is None:
        raise caught
    return error


def _build(conversion, out: Path, tag: str | None) -> dict[str, Any]:
    """`--build`: the written app folder is the context, the app's DOCKERFILE the Dockerfile."""
    from cog2fal.images.build import default_tag
    from cog2fal.images.build_app import app_dockerfile, build_and_check

    app_file = out / conversion.app_file
    if conversion.plan.mode != "container":
        raise GivenPathError("--build needs a container app; this project converts in app mode "
                             "(add --mode container)", app_file)
    dockerfile, first_line = app_dockerfile(app_file)
    return build_and_check(out, dockerfile, tag or default_tag(conversion.plan.app_name), where=str(app_file),
                           first_line=first_line)
