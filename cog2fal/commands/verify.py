"""`cog2fal verify`: the Cog model under Cog's runtime and the fal app under fal's server, compared.

Exit codes: 0 everything matches, 1 a mismatch (a rich table names each difference; `--json`
prints the whole report), 2 verify cannot run here (Cog, fal or a model dependency missing,
a bad project or case file), with one line saying why.
"""

from __future__ import annotations

import json
import signal
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cog2fal.verify import media
from cog2fal.verify.compare import brief
from cog2fal.verify.report import Report, VerifyEnvironmentError


def _files_described(value: Any) -> Any:
    """Files as `image/png file, 518 bytes`, for both Cog's data: URLs and fal's File objects."""
    if media.is_data_url(value):
        data, content_type = media.decode_data_url(value)
        return f"<{content_type} file, {len(data)} bytes>"
    if isinstance(value, dict) and isinstance(value.get("url"), str) and "content_type" in value:
        if media.is_data_url(value["url"]):
            data = media.decode_data_url(value["url"])[0]
            return f"<{value['content_type']} file, {len(data)} bytes>"
        return f"<{value['content_type']} file at {value['url'][:40]}>"
    if isinstance(value, dict):
        return {k: _files_described(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_files_described(v) for v in value]
    return value


def _cell(value: Any, limit: int = 70) -> str:
    if value is None:
        return ""
    shown = brief(_files_described(value), limit)
    text = shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _summary(outcome, value: Any) -> str:
    if not outcome.ok:
        return f"{outcome.kind}: {outcome.error}"
    return _cell(value, 50)


def render_table(report: Report) -> Table:
    table = Table(title=f"cog2fal verify: {report.model_dir} → {report.fal_dir}", title_justify="left",
                  show_lines=False)
    for column in ("check", "where", "result", "Cog", "fal"):
        table.add_column(column, overflow="fold")
    ok, bad = "[green]match[/]", "[bold red]MISMATCH[/]"
    schema = report.schema
    if schema is not None:
        if schema.ok:
            table.add_row("input schema", f"{schema.fields} fields", ok, "", "")
        for difference in schema.differences:
            table.add_row("input schema", f"{difference.field}.{difference.attribute}", bad,
                          _cell(_plain(difference.expected)), _cell(_plain(difference.actual)))
    for problem in report.problems:
        table.add_row(problem.what, "", "[bold red]FAILED[/]", "", Text(problem.message))
    for result in report.results:
        label = f"case {result.case.name}"
        if result.ok:
            verdict = ok if result.note is None else "[green]match[/] (both failed)"
            table.add_row(label, result.endpoint, verdict, Text(_summary(result.cog, result.cog.value)),
                          Text(_summary(result.fal, result.fal_output)))
        for mismatch in result.mismatches:
            verdict = f"[yellow]note[/]: {mismatch.what}" if mismatch.benign else f"{bad}: {mismatch.what}"
            table.add_row(label, f"{result.endpoint} {mismatch.where}", verdict,
                          Text(_cell(mismatch.cog)), Text(_cell(mismatch.fal)))
    return table


def _plain(value: Any) -> Any:
    from cog2fal.verify.schemas import NO_DEFAULT

    if value is NO_DEFAULT:
        return "<no default>"
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _count(report: Report) -> tuple[int, int]:
    checks = (1 if report.schema is not None else 0) + len(report.problems) + len(report.results)
    failed = len(report.problems) + sum(not r.ok for r in report.results)
    if report.schema is not None and not report.schema.ok:
        failed += 1
    return checks, failed


def _raise_interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def run_verify(model_dir: Path, fal_dir: Path, cases: list[Path], as_json: bool,
               in_image: bool = False, image: str | None = None) -> int:
    from cog2fal.verify.runner import verify_project

    console = Console(stderr=True, highlight=False)
    if in_image and image is None:
        image = _build_app_image(fal_dir)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)  # stop the servers on SIGTERM too
    try:
        if as_json or not console.is_terminal:
            report = verify_project(model_dir, fal_dir, cases, image=image)
        else:
            with console.status("verifying", spinner="dots") as status:
                report = verify_project(model_dir, fal_dir, cases,
                                        lambda message: status.update(f"verify: {message}"), image=image)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted: Cog's and fal's servers were stopped\n")
        raise
    except VerifyEnvironmentError as error:
        message = " ".join(str(error).split())
        if as_json:
            sys.stdout.write(json.dumps({"status": "error", "error": message}) + "\n")
        sys.stderr.write(f"error: {message}\n")
        return 2
    finally:
        signal.signal(signal.SIGTERM, previous)

    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n")
        return 0 if report.ok else 1
    out = Console(highlight=False)
    if not out.is_terminal:
        out = Console(highlight=False, width=140)
    out.print(render_table(report))
    notes = (report.schema.notes if report.schema else []) + report.notes
    for result in report.results:
        if result.note and result.endpoint == "/":
            notes.append(f"case {result.case.name}: {result.note}")
    for note in notes:
        out.print(Text(f"note: {note}"), soft_wrap=True)
    checks, failed = _count(report)
    if report.ok:
        out.print(f"[bold green]OK[/] {checks} checks match (cog {report.cog_version}, "
                  f"fal {report.fal_version}, {report.seconds:.1f} s)")
        return 0
    out.print(f"[bold red]{failed} of {checks} checks differ[/] (cog {report.cog_version}, "
              f"fal {report.fal_version}, {report.seconds:.1f} s)")
    return 1


def _build_app_image(fal_dir: Path) -> str:
    """`--in-image` without `--image`: the app's DOCKERFILE built with the app folder as context."""
    from cog2fal.images.build import default_tag
    from cog2fal.images.build_app import app_dockerfile, build_and_check
    from cog2fal.verify.runner import find_app_file

    app_dir, app_file = find_app_file(fal_dir)
    dockerfile, first_line = app_dockerfile(app_dir / app_file)
    tag = default_tag(f"{Path(app_dir).resolve().name}-verify")
    build_and_check(app_dir, dockerfile, tag, where=str(app_dir / app_file), first_line=first_line,
                    smoke=False)
    return tag
