"""Cog 0.16.12's own OpenAPI schema for a project, as a reference for schema comparisons.

Most public Replicate models were pushed with a pydantic-era Cog (≤ 0.16), whose schema is made
at runtime: `python -m cog.command.openapi_schema` reads `./cog.yaml`, imports the predictor
(first a "fast loader" that executes a stripped copy of the module, then the full module if that
fails) and prints FastAPI's OpenAPI document. We run exactly that command in a subprocess of a
separate interpreter (`COG016_PYTHON`, default `/work/venvs/cog016/bin/python`), so the test
process never imports Cog or the model code.

Facts from the 0.16.12 source this module relies on:

- The predictor reference comes from `cog.yaml`'s `predict` key, overridable with the env var
  `COG_PREDICT_TYPE_STUB`; the trainer from `train` / `COG_TRAIN_TYPE_STUB`. There is no separate
  training-schema command: when a trainer is configured, the same document also holds the
  `TrainingInput` / `TrainingOutput` components and the `/trainings` routes.
- 0.16 knows neither the 0.20+ `run:` key nor the 2021 `model:` key; for those we pass the
  reference through `COG_PREDICT_TYPE_STUB` so a predictor written for them can still be checked
  (it usually fails to import, since `BaseRunner` / `cog.Model` do not exist in 0.16).
- Import-time code of the model runs (the full loader executes the module), so the command runs
  in a throw-away copy of the project: side effects never touch the fixture.

Results are cached on disk (`COG2FAL_TEST_CACHE`, default `~/.cache/cog2fal-tests`), keyed by
the project's file contents, the interpreter and its installed Cog/pydantic, and the options, so
a test suite that asks for many schemas stays fast. Deterministic failures are cached as well.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "CogSchemaError",
    "DEFAULT_COG016_PYTHON",
    "cog016_python",
    "cog_input_schema",
    "cog_openapi_schema",
    "input_component",
    "training_input_component",
]

DEFAULT_COG016_PYTHON = "/work/venvs/cog016/bin/python"
HARNESS_VERSION = "2"  # bump to invalidate every cached schema
_IGNORED_PARTS = frozenset({".git", "__pycache__", ".cog", ".pytest_cache", ".mypy_cache"})
_PROTECTED_TOP_LEVEL = (
    # Never stubbed even when missing: a missing one means the interpreter is broken.
    "cog", "coglet", "pydantic", "pydantic_core", "fastapi", "starlette", "typing_extensions",
    "attr", "attrs", "structlog", "yaml", "anyio", "uvicorn", "requests", "annotated_types",
    "typing_inspection",
)


class CogSchemaError(RuntimeError):
    """Cog's schema command failed; `output` holds its stderr (the traceback Cog printed)."""

    def __init__(self, project: Path, message: str, output: str) -> None:
        super().__init__(f"{project}: {message}\n{output}")
        self.project = project
        self.output = output


def cog016_python() -> str:
    """The interpreter that has cog 0.16.12 installed (env `COG016_PYTHON` overrides)."""
    return os.environ.get("COG016_PYTHON") or DEFAULT_COG016_PYTHON


def cog_openapi_schema(
    project_dir: str | os.PathLike[str],
    *,
    python: str | None = None,
    stub_missing_modules: bool = False,
    predict_ref: str | None = None,
    train_ref: str | None = None,
    full_import: bool = False,
    use_cache: bool = True,
    timeout: float = 180.0,
) -> dict[str, Any]:
    """The full OpenAPI document Cog 0.16.12 publishes for the project in `project_dir`.

    `stub_missing_modules` installs, in the subprocess only, an import hook that turns every
    third-party module that cannot be imported (torch, diffusers, ...) into a permissive dummy,
    so projects whose heavy dependencies are not installed still produce their schema. The
    hook sits at the end of `sys.meta_path`, so anything importable is imported for real, and it
    never covers the standard library, Cog or pydantic.

    `predict_ref` / `train_ref` (`"file.py:Name"`) override cog.yaml, as the env vars
    `COG_PREDICT_TYPE_STUB` / `COG_TRAIN_TYPE_STUB` do for Cog itself.

    `full_import=True` skips 0.16's fast loader (by setting `COG_PREDICT_CODE_STRIP` /
    `COG_TRAIN_CODE_STRIP` to empty source, which Cog treats as "no stripped code"), so types
    are read from the really imported module. The default reproduces what `cog build` did; the
    two differ when the stripped copy resolves names differently, e.g. `from pathlib import
    Path` after `from cog import Path` (the stripper keeps only the cog import), or fails on
    `class Predictor(cog.BasePredictor)` (an 0.16 stripper bug that ends the command).

    Raises `CogSchemaError` when Cog cannot produce a schema (the message has Cog's traceback).
    """
    project = Path(project_dir).resolve()
    if project.is_file():  # a path to cog.yaml
        project = project.parent
    interpreter = python or cog016_python()
    env_refs = _stub_refs(project, predict_ref, train_ref)
    if full_import:
        env_refs.update(COG_PREDICT_CODE_STRIP="", COG_TRAIN_CODE_STRIP="")
    key = _cache_key(project, interpreter, stub_missing_modules, env_refs)
    cache_file = _cache_dir() / f"{key}.json"
    if use_cache and cache_file.exists():
        cached = json.loads(cache_file.read_text(encoding="utf-8"))
        return _result_or_raise(project, cached)
    result = _run_schema_command(project, interpreter, stub_missing_modules, env_refs, timeout)
    if use_cache and result.get("cacheable", True):
        _write_atomically(cache_file, json.dumps(result))
    return _result_or_raise(project, result)


def cog_input_schema(
    project_dir: str | os.PathLike[str],
    *,
    train: bool = False,
    **options: Any,
) -> dict[str, Any]:
    """The `Input` component (or `TrainingInput` with `train=True`) Cog 0.16.12 publishes.

    Keyword options are those of `cog_openapi_schema`. The component is returned as Cog wrote
    it; choice fields point (`allOf` + `$ref`) at enum components of the full document, so use
    `cog_openapi_schema` when those need resolving.
    """
    doc = cog_openapi_schema(project_dir, **options)
    return training_input_component(doc) if train else input_component(doc)


def input_component(doc: dict[str, Any], name: str = "Input") -> dict[str, Any]:
    """A named component of `doc`, `Input` by default; `KeyError` names what exists instead."""
    schemas = doc.get("components", {}).get("schemas", {})
    if name not in schemas:
        raise KeyError(f"no component {name!r} in the schema; have {sorted(schemas)}")
    return schemas[name]


def training_input_component(doc: dict[str, Any]) -> dict[str, Any]:
    """The `TrainingInput` component, present when the project configures a trainer."""
    return input_component(doc, "TrainingInput")


# --------------------------------------------------------------------------- running Cog


def _stub_refs(
    project: Path, predict_ref: str | None, train_ref: str | None
) -> dict[str, str]:
    """Env vars that point 0.16 at the predictor when cog.yaml does not say it the 0.16 way.

    An explicit ref wins; otherwise the 0.20+ `run:` key or the 2021 `model:` key (0.16 reads
    only `predict:`) is translated, so such projects are checked instead of silently failing on
    "predict option not found".
    """
    refs: dict[str, str] = {}
    config = _read_config(project)
    if predict_ref is None and "predict" not in config:
        for key in ("run", "model"):
            value = config.get(key)
            if isinstance(value, str) and ".py:" in value:
                predict_ref = value
                break
    if predict_ref:
        refs["COG_PREDICT_TYPE_STUB"] = predict_ref
    if train_ref:
        refs["COG_TRAIN_TYPE_STUB"] = train_ref
    return refs


def _read_config(project: Path) -> dict[str, Any]:
    """cog.yaml as a mapping, or empty when it is missing or broken (Cog will say why)."""
    try:
        data = yaml.safe_load((project / "cog.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _run_schema_command(
    project: Path,
    interpreter: str,
    stub_missing_modules: bool,
    env_refs: dict[str, str],
    timeout: float,
) -> dict[str, Any]:
    """Run Cog's schema command in a scratch copy of the project; return a cacheable record."""
    with tempfile.TemporaryDirectory(prefix="cog016-schema-") as scratch:
        workdir = Path(scratch) / project.name
        shutil.copytree(project, workdir, ignore=shutil.ignore_patterns(*_IGNORED_PARTS))
        if stub_missing_modules:
            command = [interpreter, "-c", _STUB_BOOTSTRAP]
        else:
            command = [interpreter, "-m", "cog.command.openapi_schema"]
        try:
            proc = subprocess.run(
                command,
                cwd=workdir,
                env=_subprocess_env(env_refs),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"schema command timed out after {timeout:.0f}s", "output": "",
                    "cacheable": False}
        except OSError as exc:
            return {"error": f"cannot run {interpreter}: {exc}", "output": "", "cacheable": False}
    if proc.returncode != 0:
        return {"error": f"schema command exited with {proc.returncode}",
                "output": _readable_stderr(proc.stderr)[-20000:]}
    try:
        return {"schema": _parse_json_document(proc.stdout)}
    except ValueError:
        return {"error": "schema command printed no JSON document",
                "output": (proc.stdout + proc.stderr)[-20000:]}


def _readable_stderr(stderr: str) -> str:
    """Cog ends with `CogError(['<traceback>'])`, a repr'd list; unquote it for messages."""
    marker = "cog.errors.CogError: "
    head, found, tail = stderr.rpartition(marker)
    if not found:
        return stderr
    try:
        logs = ast.literal_eval(tail.strip())
    except (ValueError, SyntaxError):
        return stderr
    text = "\n".join(logs) if isinstance(logs, list) else str(logs)
    return f"{head}{marker}\n{text}"


def _subprocess_env(env_refs: dict[str, str]) -> dict[str, str]:
    """The caller's environment minus anything that would steer Cog or imports, plus our refs."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("COG_", "PYTHON")) and name != "VIRTUAL_ENV"
    }
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONHASHSEED"] = "0"
    env.update(env_refs)
    return env


def _parse_json_document(stdout: str) -> dict[str, Any]:
    """The JSON object Cog prints; tolerant of stray lines printed outside suppress_output."""
    text = stdout.strip()
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        start = text.find("\n{\n")
        if start < 0:
            raise ValueError("no JSON object in output") from None
        doc = json.loads(text[start + 1 :])
    if not isinstance(doc, dict):
        raise ValueError("output is not a JSON object")
    return doc


def _result_or_raise(project: Path, record: dict[str, Any]) -> dict[str, Any]:
    if "schema" in record:
        return record["schema"]
    raise CogSchemaError(project, record.get("error", "unknown error"), record.get("output", ""))


# --------------------------------------------------------------------------- cache


def _cache_dir() -> Path:
    root = os.environ.get("COG2FAL_TEST_CACHE") or os.path.join("~", ".cache", "cog2fal-tests")
    path = Path(root).expanduser() / "cog016-schemas"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _cache_key(
    project: Path, interpreter: str, stub: bool, env_refs: dict[str, str]
) -> str:
    """Hash of everything that decides the schema: files, interpreter, packages, options."""
    digest = hashlib.sha256()
    for part in (HARNESS_VERSION, interpreter, *_installed_versions(interpreter),
                 f"stub={stub}", json.dumps(env_refs, sort_keys=True)):
        digest.update(part.encode() + b"\0")
    for relpath, file in _project_files(project):
        digest.update(relpath.encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()[:32]


def _project_files(project: Path) -> Iterator[tuple[str, Path]]:
    """Project files in a stable order, skipping caches that do not affect Cog."""
    files = []
    for path in project.rglob("*"):
        rel = path.relative_to(project)
        if path.is_file() and not _IGNORED_PARTS.intersection(rel.parts) and path.suffix != ".pyc":
            files.append((rel.as_posix(), path))
    return iter(sorted(files))


def _installed_versions(interpreter: str) -> list[str]:
    """Names of the cog/pydantic/fastapi dist-info folders of the interpreter's venv.

    Cheaper than starting the interpreter, and changes whenever those packages are upgraded.
    """
    venv = Path(interpreter).parent.parent
    found: list[str] = []
    for pattern in ("cog-*.dist-info", "pydantic-*.dist-info", "fastapi-*.dist-info"):
        found.extend(sorted(p.name for p in venv.glob(f"lib/python*/site-packages/{pattern}")))
    return found


def _write_atomically(target: Path, text: str) -> None:
    """Write via a temp file and rename, so concurrent test workers never read half a file."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- stub mode

# Runs inside the Cog interpreter. Kept as source text (not imported here) because it must
# execute before Cog imports the predictor, in a process that has only Cog installed.
_STUB_BOOTSTRAP = r'''
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import types

PROJECT = os.path.realpath(os.getcwd())
IMPORTLIB_INIT = os.path.join("importlib", "__init__.py")

PROTECTED = set(__PROTECTED__)


class _Dummy:
    """Stands for any object of a missing package: callable, indexable, a base class."""

    def __init__(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # keep inspect / pickle / pydantic probing honest
        return _Dummy()

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and not kwargs and callable(args[0]) and not isinstance(args[0], _Dummy):
            return args[0]  # used as a decorator: keep the function (and its signature)
        return _Dummy()

    def __mro_entries__(self, bases):
        return (_DummyBase,)

    def __getitem__(self, key):
        return _Dummy()

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __int__(self):
        return 0

    def __float__(self):
        return 0.0

    def __index__(self):
        return 0

    def __repr__(self):
        return "<stub>"

    def _same(self, *args, **kwargs):
        return self

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _same
    __truediv__ = __rtruediv__ = __floordiv__ = __mod__ = __pow__ = __neg__ = _same
    __or__ = __ror__ = __and__ = __matmul__ = _same


class _DummyBase(_Dummy):
    """Base class for user classes deriving from a stubbed class (e.g. `nn.Module`)."""


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        value = _Dummy()
        setattr(self, name, value)
        return value


class _StubLoader(importlib.abc.Loader):
    def create_module(self, spec):
        module = _StubModule(spec.name)
        module.__path__ = []
        module.__all__ = []
        return module

    def exec_module(self, module):
        pass


def _imported_by_project_code():
    """True when the import statement runs in the project's own code.

    Libraries probe optional dependencies with try/except ImportError; stubbing those would
    change their behaviour, so only imports made by files under the project folder (or by
    the stripped copy Cog's fast loader executes, whose file name is "<string>") are stubbed.
    """
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith("<frozen importlib") or name.endswith(IMPORTLIB_INIT):
            frame = frame.f_back
            continue
        if name.startswith("<") and not name.startswith("<frozen"):
            return True
        return os.path.realpath(name).startswith(PROJECT + os.sep)
    return False


class _MissingModuleFinder(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: asked only about modules no real finder could find."""

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in PROTECTED or top in sys.stdlib_module_names:
            return None
        if fullname != top:
            if not isinstance(sys.modules.get(top), _StubModule):
                return None  # a missing submodule of a real package is a real error
        elif not _imported_by_project_code():
            return None
        sys.stderr.write("cog016-stub: " + fullname + "\n")
        return importlib.machinery.ModuleSpec(fullname, _StubLoader(), is_package=True)


# Import Cog's server stack first, without the hook, so its libraries settle their optional
# dependencies exactly as they would in a normal run.
import cog.server.http  # noqa: E402,F401

sys.meta_path.append(_MissingModuleFinder())
sys.argv = ["cog.command.openapi_schema"]
runpy.run_module("cog.command.openapi_schema", run_name="__main__", alter_sys=True)
'''.replace("__PROTECTED__", repr(_PROTECTED_TOP_LEVEL))
