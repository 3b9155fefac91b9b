"""MIGRATION.md: what was converted, how clients call the app now, and what needs a hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cog2fal import __version__
from cog2fal.project import Entrypoint, Finding
from cog2fal.reporting.calling import calling_the_app
from cog2fal.reporting.endpoints import endpoints
from cog2fal.reporting.inputs_table import MARKDOWN, input_rows
from cog2fal.reporting.persistent_cache import cache_section

if TYPE_CHECKING:
    from cog2fal.conversion import Conversion

_SEVERITY_ORDER = {"todo": 0, "warning": 1, "info": 2}


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    unique: dict[tuple, Finding] = {}
    for finding in findings:
        key = (finding.code, finding.message, str(finding.location))
        unique.setdefault(key, finding)
    return sorted(unique.values(), key=lambda f: (
        _SEVERITY_ORDER[f.severity], f.location.file if f.location else "",
        f.location.line if f.location else 0, f.code, f.message))


def _inputs_table(entry: Entrypoint) -> list[str]:
    rows = ["| input | type | required | default | constraints |", "|---|---|---|---|---|"]
    rows += [f"| {row.name} | {row.type} | {row.required} | {row.default} | {row.constraints} |"
             for row in input_rows(entry, MARKDOWN)]
    return rows


def _response_shape(entry: Entrypoint, path: str) -> list[str]:
    if entry.output.kind == "model":
        lines = [f"`POST {path}` returns the fields of `{entry.output.name}` as the Cog model did; "
                 "files are fal File objects (`url`, `content_type`, `file_name`, `file_size`)."]
    else:
        lines = [f'`POST {path}` returns `{{"output": ...}}`, where `output` holds what the Cog '
                 f"predictor returned (`{entry.output.describe()}`); files are fal File objects "
                 "(`url`, `content_type`, `file_name`, `file_size`) instead of Replicate's URL strings."]
    if entry.streams:
        lines.append(f'`POST {path.rstrip("/")}/stream` sends each item as soon as it is produced, as '
                     'server-sent events `data: {"output": item}` (what `fal_client.stream` reads); '
                     f"`POST {path}` collects them into a list.")
    return lines


def render_migration(conversion: Conversion) -> str:
    project, plan = conversion.project, conversion.plan
    predictor = project.predictor
    machine_note = "`--machine-type`" if conversion.machine.given else \
        ("a guess from `build.gpu: true`: pick the GPU your model needs" if project.config.gpu
         else "`build.gpu` is false")
    lines = [
        f"# Migration report: `{project.config.predict}` → fal",
        "",
        f"Converted by cog2fal {__version__}. Deploy with:",
        "",
        "```bash",
        f"fal deploy {conversion.app_file}::{plan.class_name}",
        "```",
        "",
        "## Summary",
        "",
        "| | |",
        "|---|---|",
        f"| app file | `{conversion.app_file}`, class `{plan.class_name}`, app name `{plan.app_name}` |",
        f"| mode | {plan.mode}: {conversion.mode_reason} |",
        f"| machine type | `{plan.machine_type}` ({machine_note}) |",
        f"| endpoints | {', '.join(f'`POST {e}`' for e in endpoints(project))} |",
        f"| model code | `{predictor.file}` (`{predictor.name}`), " + (
            f"copied into the image at `{plan.model_root}` and imported in `setup()` |"
            if plan.mode == "container"
            else "shipped next to the app (`app_files`) and imported in `setup()` |"),
    ]
    if plan.max_multiplexing:
        lines.append(f"| concurrency | `max_multiplexing = {plan.max_multiplexing}` "
                     "(Cog's `concurrency.max`) |")
    if plan.requirements:
        lines.append(f"| requirements | {len(plan.requirements)} from cog.yaml |")
    lines += ["", "## Response shape", "", *_response_shape(predictor, "/")]
    if project.trainer is not None:
        lines += ["", *_response_shape(project.trainer, "/train")]
    lines += ["", "Client code that read Replicate's `output` must read `output` (or the model's fields) "
              "from the fal response; file URLs are at `.url`.", ""]
    lines += ["## Inputs", "", "Field names, order, types, defaults and constraints are those of the Cog "
              "predictor; files are passed as `http(s)://` or `data:` URLs, as on Replicate.", "",
              *_inputs_table(predictor)]
    if project.trainer is not None:
        lines += ["", "Training inputs (`POST /train`):", "", *_inputs_table(project.trainer)]
    lines += ["", *calling_the_app(project, plan.app_name)]
    if conversion.rewritten:
        lines += ["", "## Changes to your code", "",
                  "Only Cog constructs changed; the rule IDs are explained in cog2fal's docs/mapping.md.", ""]
        for file, rules in sorted(conversion.rewritten.items()):
            lines.append(f"- `{file}`: {', '.join(rules)}")
    section = cache_section(plan.cache)
    if section:
        lines += ["", *section[:-1]]
    findings = sorted_findings(conversion.findings)
    todos = [f for f in findings if f.severity == "todo"]
    others = [f for f in findings if f.severity != "todo"]
    lines += ["", "## What needs a hand", ""]
    if todos:
        lines += [f"- [ ] `{f.location}` {f.message} ({f.code})" if f.location else
                  f"- [ ] {f.message} ({f.code})" for f in todos]
        lines += ["", "Each of these is also a `# TODO(cog2fal)` comment in the code, where it applies."]
    else:
        lines.append("Nothing: every Cog construct was converted.")
    if others:
        lines += ["", "## Notes", ""]
        lines += [f"- {f.severity}: `{f.location}` {f.message} ({f.code})" if f.location else
                  f"- {f.severity}: {f.message} ({f.code})" for f in others]
    if conversion.dockerfile_changes:
        added = [c for c in conversion.dockerfile_changes if c.action == "added"]
        edits = [c for c in conversion.dockerfile_changes if c.action != "added"]
        lines += ["", "## Dockerfile", "",
                  f"The image is the `DOCKERFILE` in `{conversion.app_file}`; the output folder is its build "
                  f"context. cog2fal added {len(added)} line(s) (base image, Python, requirements, the model "
                  "code at /src, `pip install fal` last)"
                  + (f" and removed or changed {len(edits)} line(s) of Cog's:" if edits else ".")]
        if edits:
            lines += ["", "| line | change | reason |", "|---|---|---|"]
        for change in edits:
            text = (change.before or change.after or "").replace("|", "\\|")
            if len(text) > 80:
                text = text[:77] + "..."
            lines.append(f"| {change.line or ''} | {change.action} `{text}` | {change.reason} |")
    lines += ["", "## Before `fal deploy`", "",
              "1. Read the TODOs above and the converted code.",
              "2. Run `cog2fal verify <cog project> <this folder>` where the model's dependencies "
              "are installed, "
              "to compare schemas and outputs with Cog's own runtime.",
              f"3. `fal deploy {conversion.app_file}::{plan.class_name}` "
              "(from the Python version you want on the runner).",
              ""]
    return "\n".join(lines)
