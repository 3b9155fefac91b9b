"""Subprocess entry: serve a converted fal app with fal's own app server, offline, on 127.0.0.1.

    python -m cog2fal.verify.fal_runner APP_DIR APP_FILE PORT STATUS_FILE

Run by `fal_server.FalServer`, never imported by the verify process itself. What it does, in
the order `fal run` does it (fal's CLI: https://github.com/fal-ai/fal, projects/fal/src/fal):

- the app file is executed with `runpy.run_path`, as fal's loader does, and its one `fal.App`
  subclass taken; its OpenAPI document (`App(_allow_init=True).openapi()`, what `fal deploy`
  publishes) is written to STATUS_FILE;
- the app folder is the working folder and on `sys.path`, as the runner's /app;
- `cog` and `coglet` cannot be imported, as on a fal runner (a converted app must not need
  them), even though this interpreter has Cog for the reference server;
- uploads go to fal's in-memory repository, so output files come back as `data:` URLs;
- `_build_app()` (the exact ASGI app `fal run` serves) runs under uvicorn on 127.0.0.1:PORT;
  the lifespan runs `setup()` before the first request is accepted. A failing `setup()` is
  recorded in STATUS_FILE (with the missing module, if that was the cause) before uvicorn exits.
"""

from __future__ import annotations

import functools
import importlib.abc
import inspect
import json
import os
import runpy
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

from cog2fal.verify.import_errors import missing_module

BLOCKED = ("cog", "coglet")


class _NoCog(importlib.abc.MetaPathFinder):
    """Makes `import cog` fail as it would on a fal runner, which has no Cog installed."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {fullname!r} (a fal runner has no Cog)",
                                      name=fullname)
        return None


def _record(status_file: Path, event: dict[str, Any]) -> None:
    with open(status_file, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(event, default=str) + "\n")


def _failure(stage: str, exc: BaseException) -> dict[str, Any]:
    return {"event": "failed", "stage": stage, "error": f"{type(exc).__name__}: {exc}",
            "missing_module": missing_module(exc), "traceback": traceback.format_exc()[-4000:]}


def _in_memory_uploads() -> None:
    from fal.toolkit.file import file as fal_file
    from fal.toolkit.file.providers.fal import InMemoryRepository

    fal_file.BUILT_IN_REPOSITORIES.update(fal_v3=InMemoryRepository, fal=InMemoryRepository)


def _watch_setup(app_class: type, status_file: Path) -> None:
    """Wraps `setup()` so that its failure is recorded before uvicorn reports and exits."""
    original = app_class.__dict__.get("setup")
    if original is None:
        return
    if inspect.iscoroutinefunction(original):
        @functools.wraps(original)
        async def setup(self: Any) -> Any:
            try:
                return await original(self)
            except BaseException as exc:
                _record(status_file, _failure("setup", exc))
                raise
    else:
        @functools.wraps(original)
        def setup(self: Any) -> Any:
            try:
                return original(self)
            except BaseException as exc:
                _record(status_file, _failure("setup", exc))
                raise
    app_class.setup = setup  # type: ignore[attr-defined]


def main(argv: list[str]) -> int:
    app_dir, app_file, port, status_file = Path(argv[0]), argv[1], int(argv[2]), Path(argv[3])
    warnings.simplefilter("ignore")
    sys.meta_path.insert(0, _NoCog())
    for name in [n for n in sys.modules if n.split(".")[0] in BLOCKED]:
        del sys.modules[name]
    os.chdir(app_dir)
    sys.path.insert(0, str(app_dir))
    try:
        import fal
        import uvicorn

        namespace = runpy.run_path(str(app_dir / app_file))
        apps = [v for v in namespace.values()
                if isinstance(v, type) and issubclass(v, fal.App) and v is not fal.App]
        if len(apps) != 1:
            raise RuntimeError(f"{app_file} defines {len(apps)} fal.App classes; expected one")
        app_class = apps[0]
        openapi = app_class(_allow_init=True).openapi()
    except BaseException as exc:
        _record(status_file, _failure("load", exc))
        return 3
    _record(status_file, {"event": "loaded", "app_class": app_class.__name__, "openapi": openapi})
    _in_memory_uploads()
    _watch_setup(app_class, status_file)
    try:
        asgi = app_class(_allow_init=True)._build_app()
    except BaseException as exc:
        _record(status_file, _failure("build", exc))
        return 3
    config = uvicorn.Config(asgi, host="127.0.0.1", port=port, lifespan="on", log_level="warning",
                            access_log=False)
    server = uvicorn.Server(config)
    server.run()
    return 0 if server.started else 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
