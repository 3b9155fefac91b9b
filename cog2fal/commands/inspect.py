"""`cog2fal inspect`: what cog2fal understands of a project, and what will need a hand."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cog2fal.conversion import ConvertOptions
from cog2fal.convert import analyse_project
from cog2fal.errors import CogProjectError, placed
from cog2fal.images.argument import open_argument, schema_summary
from cog2fal.project import MISSING, Entrypoint
from cog2fal.reading.published_schema import read_schema_file
from cog2fal.reporting.findings import STYLE, finding_json
from cog2fal.reporting.inputs_table import TERMINAL, input_rows
from cog2fal.reporting.masking import shown_default, shown_environment
from cog2fal.reporting.migration import sorted_findings
from cog2fal.reporting.persistent_cache import cache_json
from cog2fal.writing.persistent_cache import CachePlan


def _jsonable(value: Any) -> Any:
    if value is MISSING:
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in ("lines",)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _entry_json(entry: Entrypoint) -> dict[str, Any]:
    data = _jsonable(entry)
    data["output"] = entry.output.describe()
    data["streams"] = entry.streams
    data["inputs"] = [{**_jsonable(spec), "default": _jsonable(shown_default(spec)),
                       "type": spec.type.describe(), "required": spec.required,
                       "has_default": spec.default is not MISSING} for spec in entry.inputs]
    return data


def _inputs_table(entry: Entrypoint, title: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in ("input", "type", "required", "default", "constraints", "description"):
        table.add_column(column, overflow="fold")
    for row in input_rows(entry, TERMINAL):
        table.add_row(*(escape(cell) for cell in dataclasses.astuple(row)))
    return table


def _print_downloads(console: Console, cache: CachePlan | None) -> None:
    """Each download site, and where the converted app keeps what it downloads."""
    if cache is None or not (cache.outcomes or cache.files):
        return
    console.print(f"[bold]Downloads and caches[/] (kept under {escape(cache.app_dir)} unless noted)")
    for outcome in cache.outcomes:
        mark = "[green]kept[/]" if outcome.persisted else "[yellow]not kept[/]"
        console.print(f"  {mark} {escape(str(outcome.site.location))}: {escape(outcome.site.code)} → "
                      f"{escape(outcome.where)}", soft_wrap=True)
    for relative in cache.files:
        console.print(f"  [green]kept[/] {escape(relative)}: large file, uploaded once to "
                      f"{escape(cache.app_dir)}/files/", soft_wrap=True)


def run_inspect(model_dir: Path, as_json: bool, *, image: bool = False, schema: Path | None = None) -> int:
    published = [read_schema_file(schema)] if schema is not None else []
    try:
        with open_argument(model_dir, image=image, console=Console(stderr=True)) as argument:
            published += argument.published
            options = ConvertOptions(app_name=argument.app_name)
            conversion = analyse_project(argument.folder, options, published=published)  # nothing rendered
            return _show(conversion, argument, published, as_json)
    except CogProjectError as error:
        raise placed(error, model_dir) from None


def _show(conversion, argument, published: list, as_json: bool) -> int:
    project, plan = conversion.project, conversion.plan
    findings = sorted_findings(conversion.findings)
    extra = argument.report(published, conversion.schema_differences)
    extra.pop("model_dir", None)
    if as_json:
        print(json.dumps({
            **extra,
            "config": {**_jsonable(project.config),
                       "environment": shown_environment(project.config.environment)},
            "predictor": _entry_json(project.predictor),
            "trainer": _entry_json(project.trainer) if project.trainer else None,
            "mode": plan.mode,
            "mode_reason": conversion.mode_reason,
            "app_class": plan.class_name,
            "app_name": plan.app_name,
            "machine_type": plan.machine_type,
            "requirements": conversion.requirements.items,
            "persistent_cache": cache_json(plan.cache),
            "findings": [finding_json(f) for f in findings],
        }, indent=2))
        return 0
    console = Console(highlight=False)
    for note in argument.notes():
        console.print(f"[dim]{escape(note)}[/]", soft_wrap=True)
    config, entry = project.config, project.predictor
    requirements = conversion.requirements.items
    console.print(f"[bold]{escape(str(config.predict))}[/] ({entry.kind}, `{entry.method}()`"
                  f"{', async' if entry.is_async else ''}, {entry.api} API)")
    console.print(f"  cog.yaml: gpu={config.gpu}, python {config.python_version or '?'}, "
                  f"{len(requirements)} Python requirements, "
                  f"{len(config.system_packages)} system packages, {len(config.run)} run commands")
    console.print(f"  output: {entry.output.describe()}"
                  f"{' → / (collected) and /stream (server-sent events)' if entry.streams else ''}")
    console.print(f"  fal: class {plan.class_name} (app {plan.app_name}), machine {plan.machine_type}, "
                  f"{plan.mode} mode — {conversion.mode_reason}")
    console.print(_inputs_table(entry, "Inputs"))
    _print_downloads(console, plan.cache)
    if project.trainer is not None:
        console.print(_inputs_table(project.trainer, f"Training inputs ({config.train})"))
    needs = [f for f in findings if f.severity != "info"]
    if needs:
        console.print("[bold]Needs a hand[/]")
        for finding in needs:
            where = f"{finding.location}: " if finding.location else ""
            label = f"[{STYLE[finding.severity]}]{finding.severity}[/]"
            console.print(f"  {label} {escape(where + finding.message)}",
                          soft_wrap=True)
    else:
        console.print("[green]Nothing needs a hand.[/]")
    summary = schema_summary(published, conversion.schema_differences)
    if summary:
        console.print(f"Schema: {escape(summary)}", soft_wrap=True)
    return 0
