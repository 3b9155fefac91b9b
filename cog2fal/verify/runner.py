"""`verify_project`: both servers up, the schemas compared, every case sent to both, compared.

Order of work (the two servers start in parallel; everything is stopped in `finally`):

1. cog2fal reads the project (predictor reference, cog.yaml `environment`, concurrency);
   `cog`, `fal` and `uvicorn` must be importable here (else `VerifyEnvironmentError`).
2. The project and the fal app are copied to a scratch folder (the user's folders are never
   written to). The fal app server starts on its copy.
3. Cog's inspector reads the predictor (a missing model dependency is reported here, naming
   the module); its schema is written to `.cog/openapi_schema.json` and Cog's runtime starts.
4. The input schemas are compared field by field (`schemas.compare_fields`) as soon as the fal
   app is loaded.
5. Once both are ready, each case goes to Cog's `POST /predictions` and fal's `POST /`, and for
   iterator outputs also to fal's `POST /stream`; the outputs are compared (`compare`).
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cog2fal.errors import CogProjectError
from cog2fal.reading.project_reader import read_project
from cog2fal.verify import cases as case_module
from cog2fal.verify import processes, schemas, workspace
from cog2fal.verify.cog_schema import CogInspectionError, CogSchema, build_schema, inspect_predictor
from cog2fal.verify.cog_server import CogServer, ServerStartError
from cog2fal.verify.compare import Mismatch, compare
from cog2fal.verify.fal_server import FalServer
from cog2fal.verify.outcome import Outcome
from cog2fal.verify.report import CaseResult, Problem, Report, SchemaCheck, VerifyEnvironmentError

Progress = Callable[[str], None]
APP_FILES = ("cog2fal_app.py", "fal_app.py")  # cog2fal_app.py when the model has its own fal_app.py


def _seconds(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


SETUP_TIMEOUT = _seconds("COG2FAL_VERIFY_SETUP_TIMEOUT", 900)
PREDICT_TIMEOUT = _seconds("COG2FAL_VERIFY_PREDICT_TIMEOUT", 600)


def find_app_file(fal_dir: Path) -> tuple[Path, str]:
    """(app folder, app file name) from FAL_DIR, which may also be the app file itself."""
    if fal_dir.is_file():
        return fal_dir.parent, fal_dir.name
    if not fal_dir.is_dir():
        raise CogProjectError("the fal app folder does not exist", fal_dir)
    for name in APP_FILES:
        if (fal_dir / name).is_file():
            return fal_dir, name
    raise CogProjectError("no fal_app.py here: pass the folder `cog2fal convert` wrote", fal_dir)


def check_environment() -> tuple[str, str, list[str]]:
    """(cog version, fal version, notes); raises when Cog, fal or uvicorn cannot be imported."""
    python = sys.executable
    for module, hint in (("cog", "pip install cog==0.23.1"), ("coglet", "pip install cog==0.23.1"),
                         ("fal", "pip install fal"), ("uvicorn", "pip install uvicorn")):
        if importlib.util.find_spec(module) is None:
            raise VerifyEnvironmentError(
                f"`{module}` is not installed in {python}; verify runs Cog's runtime and fal's "
                f"app server with this interpreter ({hint})")
    cog_version = importlib.metadata.version("cog")
    fal_version = importlib.metadata.version("fal")
    notes = []
    parts = [int(p) if p.isdigit() else 0 for p in (cog_version.split(".") + ["0", "0"])[:2]]
    if tuple(parts) < (0, 17):
        raise VerifyEnvironmentError(
            f"cog {cog_version} is installed in {python}; verify needs Cog's 0.17+ runtime "
            "(coglet), preferably 0.23.1 (pip install cog==0.23.1)")
    if not cog_version.startswith("0.23."):
        notes.append(f"reference runtime is cog {cog_version}; verify was built against 0.23.1")
    return cog_version, fal_version, notes


def _child_env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    for key in [k for k in env if k.startswith("COG_")]:
        del env[key]
    shim = processes.python_shim(scratch / "bin")
    env["PATH"] = f"{shim}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("NO_PROXY", "127.0.0.1,localhost")
    return env


def _missing_dependency(module: str, side: str) -> VerifyEnvironmentError:
    return VerifyEnvironmentError(
        f"{side} needs the Python module `{module}`, which is not installed in {sys.executable}; "
        "install the model's dependencies (cog.yaml build.python_packages / python_requirements) "
        "into this environment")


def verify_project(model_dir: Path, fal_dir: Path, case_files: list[Path],
                   progress: Progress | None = None, image: str | None = None) -> Report:
    """`image`: serve the fal app inside that built image (verify --in-image), not on the host."""
    say = progress or (lambda _message: None)
    started = time.monotonic()
    project = read_project(model_dir)
    app_dir, app_file = find_app_file(fal_dir)
    entry = project.predictor
    predictor_ref = f"{entry.file}:{entry.name}"
    case_data = case_module.read_case_files(case_files)
    report = Report(str(Path(project.root)), str(app_dir), app_file, sys.executable)
    report.cog_version, report.fal_version, notes = check_environment()
    report.notes.extend(notes)
    if project.trainer is not None:
        report.notes.append("the trainer (`train:` → /train) is not verified; only predictions are")

    keep = os.environ.get("COG2FAL_VERIFY_KEEP") == "1"
    with workspace.scratch() as scratch:
        if keep:
            report.notes.append(f"scratch folder kept: {scratch}")
        cog_copy = workspace.copy_tree(Path(project.root), scratch / "cog")
        fal_copy = workspace.copy_tree(app_dir, scratch / "fal")
        logs = scratch / "logs"
        logs.mkdir()
        env = _child_env(scratch)
        cog_env = dict(env)
        for name, value in project.config.environment.items():  # as `docker run -e` over an
            cog_env.setdefault(name, value)                      # image's ENV: the caller's win
        if project.config.concurrency_max:
            cog_env["COG_MAX_CONCURRENCY"] = str(project.config.concurrency_max)

        # The app's persistent volume (fal's /data) is a scratch folder here, never the machine's.
        volume = scratch / "data"
        fal_env = {**env, "COG2FAL_PERSISTENT_ROOT": str(volume)}
        if image is None:
            fal = FalServer(fal_copy, app_file, fal_env, logs / "fal.log", logs / "fal-status.jsonl")
        else:
            from cog2fal.verify.fal_in_image import FalServerInImage
            fal = FalServerInImage(fal_copy, app_file, fal_env, logs / "fal.log", logs / "fal-status.jsonl",
                                   image=image)
            report.notes.append(f"the fal app was served inside the image {image}")
        cog = CogServer(cog_copy, predictor_ref, cog_env, logs / "cog.log")
        try:
            say("starting the fal app under fal's app server")
            fal.start()
            say("reading the predictor with Cog's inspector")
            try:
                facts = inspect_predictor(cog_copy, predictor_ref, cog_env, SETUP_TIMEOUT)
            except CogInspectionError as exc:
                if exc.missing_module:
                    raise _missing_dependency(exc.missing_module, "the Cog model") from None
                raise VerifyEnvironmentError(f"Cog {report.cog_version} cannot load the predictor "
                                             f"{predictor_ref}: {exc}", exc.details) from None
            cog_schema = build_schema(facts, entry, report.cog_version)
            cog_schema.write(cog_copy)
            case_list = _cases(case_data, cog_schema)
            say("starting the Cog model under Cog's runtime")
            cog.start()

            report.schema = _compare_schemas(cog_schema, fal, cog_copy, report)
            say("waiting for Cog's setup()")
            try:
                cog.wait_ready(SETUP_TIMEOUT)
            except ServerStartError as exc:
                if exc.missing_module:
                    raise _missing_dependency(exc.missing_module, "the Cog model") from None
                raise VerifyEnvironmentError(f"{exc}: {_last_line(exc.details)}", exc.details) from None
            say("waiting for the fal app's setup()")
            if not report.problems:
                try:
                    fal.wait_ready(SETUP_TIMEOUT)
                except ServerStartError as exc:
                    _fal_start_problem(exc, cog_copy, report, image)
            if report.problems:
                return _finish(report, started)

            for case in case_list:
                say(f"case {case.name}")
                report.results.extend(_run_case(case, cog, fal, cog_schema))
        finally:
            with processes.signals_deferred():
                cog.stop()
                fal.stop()
            if (fal_copy / "cog2fal_cache.py").is_file():
                report.persistent_cache = persisted(volume)
                report.notes.append(_persisted_note(report.persistent_cache))
            if keep:
                import shutil
                kept = Path(str(scratch) + "-kept")
                with contextlib.suppress(OSError):
                    shutil.copytree(scratch, kept, symlinks=True)
                    report.notes[:] = [n.replace(str(scratch), str(kept)) for n in report.notes]
    return _finish(report, started)


_LIBRARY_CACHES = {"huggingface": "HF_HOME", "torch": "TORCH_HOME"}


def persisted(volume: Path) -> dict[str, Any]:
    """What the fal app kept on its persistent volume: the project paths its first setup
    published, the library caches it filled, and COG_WEIGHTS files."""
    paths: list[str] = []
    cog_weights = False
    for app_dir in sorted((volume / "cog2fal").glob("*")):
        with contextlib.suppress(OSError, ValueError):
            paths += json.loads((app_dir / ".ready").read_text()).get("paths", [])
        cog_weights = cog_weights or any((app_dir / "cog-weights").glob("*"))
    caches = [variable for folder, variable in _LIBRARY_CACHES.items()
              if any((volume / ".cache" / folder).glob("*"))]
    return {"paths": sorted(paths), "caches": caches, "cog_weights": cog_weights}


def _persisted_note(facts: dict[str, Any]) -> str:
    kept = [*(f"`{p}`" for p in facts["paths"]), *(f"the {c} cache" for c in facts["caches"])]
    if facts["cog_weights"]:
        kept.append("COG_WEIGHTS")
    if not kept:
        return "persistent cache: the fal app kept nothing on its volume (its setup downloaded nothing)"
    return f"persistent cache: the fal app kept {', '.join(kept)} on its volume (fal's /data)"


def _finish(report: Report, started: float) -> Report:
    report.seconds = time.monotonic() - started
    return report


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "Exception" in line:
            return line[:300]
    return lines[-1][:300] if lines else "(no log)"


def _fal_start_problem(exc: ServerStartError, cog_copy: Path, report: Report,
                       image: str | None = None) -> None:
    module = exc.missing_module
    if module and image is not None and module.split(".")[0] not in ("cog", "coglet"):
        report.problems.append(Problem(  # the image is what is being verified: a finding
            "fal app", f"{exc} — `{module}` is not installed in the image {image}", exc.details))
        return
    if module:
        top = module.split(".")[0]
        local = (cog_copy / f"{top}.py").exists() or (cog_copy / top).is_dir()
        if top in ("cog", "coglet"):
            report.problems.append(Problem(
                "fal app", f"{exc} — the converted code still imports `{module}`, which a fal runner "
                "does not have", exc.details))
            return
        if not local:
            raise _missing_dependency(module, "the fal app") from None
    report.problems.append(Problem("fal app", str(exc), exc.details))


def _compare_schemas(cog_schema: CogSchema, fal: FalServer, cog_copy: Path,
                     report: Report) -> SchemaCheck | None:
    try:
        openapi = fal.wait_loaded(SETUP_TIMEOUT)
    except ServerStartError as exc:
        _fal_start_problem(exc, cog_copy, report, getattr(fal, "image", None))
        return None
    check = SchemaCheck(notes=list(cog_schema.notes))
    expected = schemas.input_fields(cog_schema.document, "Input")
    try:
        actual = schemas.input_fields(openapi, None, route="/")
    except KeyError as exc:
        report.problems.append(Problem("fal schema", f"no input model for POST /: {exc}"))
        return check
    check.fields = len(expected)
    check.differences = schemas.compare_fields(expected, actual)
    if cog_schema.output_is_iterator and "/stream" not in openapi.get("paths", {}):
        report.problems.append(Problem("fal schema", "the Cog model streams (iterator output) but the "
                                       "fal app has no POST /stream endpoint"))
    return check


def _cases(case_data: list[tuple[Path, dict[str, Any]]], cog_schema: CogSchema) -> list[case_module.Case]:
    if case_data:
        return case_module.load_case_files(case_data, cog_schema.input)
    try:
        return case_module.generate_cases(cog_schema.input, cog_schema.document["components"]["schemas"])
    except case_module.CaseError as exc:
        raise VerifyEnvironmentError(f"{exc}; pass --case FILE.json with that input") from None


def _run_case(case: case_module.Case, cog: CogServer, fal: FalServer,
              cog_schema: CogSchema) -> list[CaseResult]:
    cog_outcome = cog.predict(case.inputs, PREDICT_TIMEOUT)
    fal_outcome = fal.predict(case.inputs, PREDICT_TIMEOUT)
    results = [_judge(case, "/", cog_outcome, fal_outcome, _unwrap_response(cog_schema))]
    if cog_schema.output_is_iterator:
        stream = fal.stream(case.inputs, PREDICT_TIMEOUT)
        results.append(_judge(case, "/stream", cog_outcome, stream, _unwrap_events))
    return results


def _unwrap_response(cog_schema: CogSchema) -> Callable[[Any], tuple[Any, list[Mismatch]]]:
    """fal's body → the value Cog's `output` holds: BaseModel fields as is, else `output`."""
    def unwrap(body: Any) -> tuple[Any, list[Mismatch]]:
        if cog_schema.output_is_object:
            return body, []
        if isinstance(body, dict) and "output" in body:
            extra = [k for k in body if k != "output"]
            found = [Mismatch("response", "keys besides `output`", None, extra)] if extra else []
            return body["output"], found
        return None, [Mismatch("response", "shape", '{"output": ...}', _keys(body))]
    return unwrap


def _unwrap_events(events: Any) -> tuple[Any, list[Mismatch]]:
    items, found = [], []
    for index, event in enumerate(events or []):
        if isinstance(event, dict) and set(event) == {"output"}:
            items.append(event["output"])
        else:
            found.append(Mismatch(f"event[{index}]", "event shape", '{"output": item}', _keys(event)))
            items.append(event)
    return items, found


def _keys(value: Any) -> Any:
    return sorted(value) if isinstance(value, dict) else type(value).__name__


def _judge(case: case_module.Case, endpoint: str, cog: Outcome, fal: Outcome,
           unwrap: Callable[[Any], tuple[Any, list[Mismatch]]]) -> CaseResult:
    result = CaseResult(case, endpoint, cog, fal)
    if cog.ok and fal.ok:
        value, shape = unwrap(fal.value)
        result.fal_output = value
        result.mismatches = shape + compare(cog.value, value)
    elif not cog.ok and not fal.ok:
        if cog.invalid_input != fal.invalid_input:
            result.mismatches = [Mismatch("response", "outcome", f"{cog.kind}: {cog.error}",
                                          f"{fal.kind}: {fal.error}")]
        else:
            result.note = f"both {cog.kind}: Cog: {cog.error} | fal: {fal.error}"
    else:
        result.mismatches = [Mismatch("response", "outcome",
                                      cog.kind if cog.ok else f"{cog.kind}: {cog.error}",
                                      fal.kind if fal.ok else f"{fal.kind}: {fal.error}")]
    return result
