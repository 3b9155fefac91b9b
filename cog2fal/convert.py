"""Conversion of a Cog project into the files of a fal app directory, in memory.

Reading Cog → the `Project` model → writing fal. Nothing here touches the output folder;
`output.py` writes (or checks, or diffs) the result atomically. The data that crosses these
steps lives in `conversion.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from importlib import resources
from pathlib import Path, PurePosixPath

from cog2fal.codes import Code
from cog2fal.conversion import (
    APP_FILE,
    REPORT_FILE,
    Contribution,
    Conversion,
    ConvertOptions,
    CopiedFile,
    FileContent,
    MachineType,
    default_out_dir,
    merge_contributions,
)
from cog2fal.errors import CogProjectError
from cog2fal.naming import app_name
from cog2fal.project import Finding, Location, Project
from cog2fal.reading.downloads import find_downloads
from cog2fal.reading.project_reader import read_project
from cog2fal.reading.published_schema import PublishedSchema
from cog2fal.reading.requirements import read_requirements
from cog2fal.reading.source import SourceFile, parse_source
from cog2fal.reading.sys_path import sys_path_findings
from cog2fal.reporting.migration import render_migration
from cog2fal.shipping import app_files_entries, project_files
from cog2fal.writing.app import RUNTIME, AppPlan, render_app
from cog2fal.writing.compiled import check_compiles, compiles
from cog2fal.writing.persistent_cache import cache_contribution, plan_cache
from cog2fal.writing.pysource import class_name
from cog2fal.writing.rewrites import RewriteContext, module_code, rewrite_module

__all__ = ["APP_FILE", "REPORT_FILE", "Conversion", "ConvertOptions", "analyse_project", "choose_mode",
           "convert_project", "default_out_dir"]

def choose_mode(project: Project, requested: str) -> tuple[str, str]:
    config = project.config
    needs = []
    if config.system_packages:
        needs.append("system_packages")
    if config.run:
        needs.append("build.run")
    if config.pre_install:
        needs.append("pre_install")
    if config.cuda:
        needs.append(f"cuda {config.cuda}")
    if requested == "app":
        reason = "app mode requested"
        if needs:
            reason += f" (cog.yaml has {', '.join(needs)}: those are not reproduced)"
        return "app", reason
    if requested == "container":
        return "container", "container mode requested"
    if needs:
        return "container", f"cog.yaml needs a custom image: {', '.join(needs)}"
    return "app", "cog.yaml needs only Python packages"


# Names fal_app.py defines or imports itself; the app class must not shadow them.
_TAKEN = {"Input", "Output", "OutputChunk", "TrainingInput", "TrainingOutput", "TrainingOutputChunk",
          "File", "Image", "Audio", "Video", "BaseModel", "Field", "FileUrl", "SecretStr", "Path",
          "Response", "StreamingResponse", "ContainerImage", "Any", "Literal", "ClassVar", "Annotated"}


def _app_class_name(app_name: str, project: Project) -> str:
    name = class_name(app_name)
    models = set(project.predictor.output_models)
    if project.trainer is not None:
        models |= set(project.trainer.output_models)
    return f"{name}App" if name in _TAKEN | models else name


def _config_findings(project: Project, mode: str) -> list[Finding]:
    config = project.config
    where = lambda key: Location(config.path, config.line_of(key) or 1)  # noqa: E731
    found = []
    if config.python_version:
        image = " and the image has Python " + config.python_version if mode == "container" else ""
        found.append(Finding(
            Code.PYTHON_VERSION,
            f"Python {config.python_version} (build.python_version): fal runs the app with "
            f"the Python version of the machine that deploys it{image}; deploy from a matching interpreter",
            where("build.python_version")))
    if config.legacy_format:
        found.append(Finding(Code.LEGACY_FORMAT, "cog.yaml uses the 2021 format (`model:` + `environment:`)",
                             where("predict")))
    for key in config.ignored_keys:
        found.append(Finding(Code.IGNORED_KEY, f"`{key}` in cog.yaml has no fal equivalent; ignored",
                             where(key)))
    if config.weights:
        found.append(Finding(
            Code.MANAGED_WEIGHTS,
            "`weights` (Cog managed weights) are not converted; download them in setup() "
            "or with fal's download_model_weights", where("weights")))
    if config.model:
        found.append(Finding(Code.REGISTRY_NAME, f"`model: {config.model}` (registry name) is ignored",
                             where("model")))
    if config.environment:
        found.append(Finding(Code.ENVIRONMENT, "cog.yaml `environment` is set on the runner before the model "
                             "code loads", where("environment")))
    if config.concurrency_max:
        found.append(Finding(
            Code.CONCURRENCY, f"concurrency.max {config.concurrency_max} → max_multiplexing "
            f"{config.concurrency_max}", where("concurrency")))
    if mode == "app":
        dropped = {"build.system_packages": config.system_packages, "build.run": config.run,
                   "build.pre_install": config.pre_install}
        for key, value in dropped.items():
            if value:
                found.append(Finding(
                    Code.BUILD_STEPS_DROPPED,
                    f"`{key}` ({len(value)} item(s)) is not reproduced in app mode: fal installs "
                    "only Python requirements — use `--mode container` if the model needs it",
                    where(key)))
        for name, value in config.environment.items():
            if value.startswith("/src"):
                found.append(Finding(
                    Code.ENVIRONMENT_UNDER_SRC,
                    f"`{name}={value}` points into /src, Cog's code folder: on fal it is set to "
                    "the same place in the app's folder (consider /data for caches that should persist)",
                    where("environment")))
    entry = project.predictor
    if entry.uses_metrics:
        found.append(Finding(
            Code.METRICS, "the model records metrics (current_scope().record_metric / emit_metric): they "
            "are accepted and dropped, unless --billing-metric NAME bills requests by one of them",
            entry.location))
    return found


def _rewrite_sources(project: Project, root: Path, files: list[str], sources: dict[str, SourceFile],
                     findings: list[Finding]) -> tuple[dict[str, FileContent], dict[str, list[str]]]:
    """The project's files for the output; Python files that use Cog are rewritten, every other
    file is copied when the output is written, never read here."""
    out: dict[str, FileContent] = {}
    applied: dict[str, list[str]] = {}
    entries = [e for e in (project.predictor, project.trainer) if e is not None]
    for relative in files:
        path = root / relative
        if not relative.endswith(".py"):
            out[relative] = CopiedFile(path, path.stat().st_size)
            continue
        data = path.read_bytes()
        source = sources.get(relative)
        if source is None:
            if b"cog" not in data:
                out[relative] = data
                continue
            try:
                source = parse_source(path, relative)
            except CogProjectError as exc:
                findings.append(Finding(
                    Code.UNPARSABLE_FILE, f"not rewritten, shipped as is: {exc.message}",
                    Location(relative, exc.line or 1)))
                out[relative] = data
                continue
        context = RewriteContext(
            source, [e for e in entries if e.file == relative],
            [f for f in findings if f.severity == "todo" and f.location and f.location.file == relative])
        module = rewrite_module(context)
        findings.extend(context.findings)
        code = module_code(module, source)
        if code != source.text:
            applied[relative] = [rule_id for rule_id in context.applied]
            if compiles(source.text, relative):  # what compiled must still compile
                check_compiles(code, relative)
        # In the file's own encoding; a character of ours it cannot hold (a TODO comment's dash
        # in latin-1) is written as an escape.
        out[relative] = code.encode(source.encoding, errors="backslashreplace")
    return out, applied


def analyse_project(model_dir: Path, options: ConvertOptions, *, out: Path | None = None,
                    published: Sequence[PublishedSchema] = ()) -> Conversion:
    """Everything but the app file and the report: the project read, its code rewritten, the plan
    made and every output concern's contribution merged (what `inspect` shows). `published`: Cog
    schemas (an image's label, `--schema`) the inputs are checked against."""
    sources: dict[str, SourceFile] = {}
    project = read_project(model_dir, sources)
    root = Path(project.root)
    findings = list(project.findings)
    requirements = read_requirements(root, project.config)
    findings.extend(requirements.removed)
    mode, reason = choose_mode(project, options.mode)
    findings.extend(_config_findings(project, mode))
    files = project_files(root, findings, {out} if out is not None else set())
    for source in sources.values():
        findings.extend(sys_path_findings(source, mode))
    output, applied = _rewrite_sources(project, root, files, sources, findings)
    project.downloads = find_downloads(root, files, project)

    app_file = "cog2fal_app.py" if _taken(APP_FILE, output) else APP_FILE
    runtime_file = f"{RUNTIME}.py"
    output[runtime_file] = resources.files("cog2fal.writing.support").joinpath(runtime_file).read_bytes()
    name = app_name(options.app_name, project.config.image, model_dir)
    machine = MachineType.choose(options.machine_type, project.config.gpu)
    plan = AppPlan(
        app_name=name,
        class_name=_app_class_name(name, project),
        machine_type=machine.name,
        requirements=requirements.items,
        app_files=app_files_entries(sorted([*files, runtime_file])),
        mode=mode,
        environment=dict(project.config.environment),
        billing_metric=options.billing_metric,
        max_multiplexing=project.config.concurrency_max,
    )
    cache = plan_cache(project, root, files, app_name=name, mode=mode,
                       enabled=options.persistent_cache, root=options.persistent_root)
    if cache.files:  # left out of the deploy: not "uploaded with every deploy" any more
        findings = [f for f in findings if not (f.code is Code.LARGE_FILE and f.location is not None
                                                and f.location.file in cache.files)]
    contributions: list[Contribution] = []
    if mode == "container":
        from cog2fal.writing.container import container_contribution  # the Dockerfile writers: only here

        contributions.append(container_contribution(
            root, project.config, requirements, app_file=app_file, cog_debug=options.cog_debug,
            shipped=output, base_image=options.base_image))
    contributions.append(cache_contribution(cache, root, [*files, runtime_file]))
    differences: list = []
    if published:
        from cog2fal.reporting.schema_check import schema_findings

        found, differences = schema_findings(project, list(published))
        contributions.append(Contribution(findings=tuple(found)))
    merged = merge_contributions(plan, output, findings, contributions)
    return Conversion(project, merged.plan, machine, app_file, merged.files, merged.findings, reason,
                      requirements, applied, merged.dockerfile_changes, differences)


def convert_project(model_dir: Path, options: ConvertOptions, *, out: Path | None = None,
                    published: Sequence[PublishedSchema] = ()) -> Conversion:
    """The whole output folder in memory; `out`, when inside the project, is not shipped."""
    conversion = analyse_project(model_dir, options, out=out, published=published)
    app_code = render_app(conversion.project, conversion.plan)
    check_compiles(app_code, conversion.app_file)
    files = {**conversion.files,
             conversion.app_file: app_code.encode("utf-8"),
             REPORT_FILE: render_migration(conversion).encode("utf-8")}
    _refuse_folders_named_like_files(files)
    return dataclasses.replace(conversion, files=files)


def _taken(name: str, files: dict[str, bytes]) -> bool:
    """Whether the project ships a file or a folder of that name."""
    return name in files or any(relative.startswith(f"{name}/") for relative in files)


def _refuse_folders_named_like_files(files: dict[str, bytes]) -> None:
    """A project folder named like a file the output adds (a `MIGRATION.md/` folder): the
    folder cannot be written, nor the file."""
    for relative in files:
        for folder in PurePosixPath(relative).parents[:-1]:
            if folder.as_posix() in files:
                raise CogProjectError(f"this folder has the name of a file the fal app's folder needs "
                                      f"(`{folder.as_posix()}`): rename the folder", folder.as_posix())
