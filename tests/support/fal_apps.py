"""Loading and serving converted apps with fal's own machinery, offline, as `fal run` loads them.

- `load_app_class`: the app file run like `fal deploy` runs it (runpy), the single fal.App taken.
- `deploy_check`: fal's loader, option parsing and environment serialisation, as `fal deploy`
  does before it contacts fal.
- `serve`: the exact ASGI app `fal run` serves, in process, with uploads kept in memory and the
  output folder set up as a runner's /app (on sys.path, the working folder).
- `serve_deployed`: the app class pickled as `fal deploy` pickles it, unpickled in a fresh Python
  whose working folder holds only what the app ships; requests are answered there.
- `Deployed.cold_starts`: the same, for runners started together on a persistent /data.
"""

from __future__ import annotations

import contextlib
import json
import os
import runpy
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fal

RESERVED = {n for n in dir(fal.App) if not n.startswith("__")} | set(fal.App.host_kwargs)


def load_app_class(app_file: Path) -> type[fal.App]:
    namespace = runpy.run_path(str(app_file))
    apps = [v for v in namespace.values()
            if isinstance(v, type) and issubclass(v, fal.App) and v is not fal.App]
    assert len(apps) == 1, f"expected exactly one fal.App in {app_file}, found {apps}"
    return apps[0]


def openapi(app_file: Path) -> dict[str, Any]:
    return load_app_class(app_file)(_allow_init=True).openapi()


def deploy_check(app_file: Path) -> dict[str, Any]:
    """What `fal deploy` checks locally; returns the prepared options' environment and host."""
    import isolate_proto
    from fal.api import FalServerlessHost
    from fal.sdk import Credentials
    from fal.utils import load_function_from

    app_class = load_app_class(app_file)
    host = FalServerlessHost(local_file_path=str(app_file), credentials=Credentials())
    loaded = load_function_from(host, str(app_file), app_class.__name__)
    options = host.prepare_options(loaded.function.options, func=loaded.function.func) \
        if hasattr(host, "prepare_options") else loaded.function.options
    isolate_proto.Struct().update(options.environment)
    set_by_fal = set(vars(type("_Probe", (fal.App,), {})))
    own = {name for name in vars(app_class) if not name.startswith("__")} - set_by_fal
    user_defined = own - {"setup", "teardown", "handle_exit", "health", "provide_hints"}
    clashes = {n for n in user_defined & RESERVED
               if n not in {"machine_type", "requirements", "app_files", "image", "max_multiplexing",
                            "local_python_modules", "num_gpus", "keep_alive", "app_name"}}
    assert not clashes, f"generated names clash with fal.App attributes: {clashes}"
    return {"environment": options.environment, "host": options.host}


@contextlib.contextmanager
def uploads_in_memory() -> Iterator[None]:
    from fal.toolkit.file import file as fal_file
    from fal.toolkit.file.providers.fal import InMemoryRepository

    saved = dict(fal_file.BUILT_IN_REPOSITORIES)
    fal_file.BUILT_IN_REPOSITORIES.update(fal_v3=InMemoryRepository, fal=InMemoryRepository)
    try:
        yield
    finally:
        fal_file.BUILT_IN_REPOSITORIES.clear()
        fal_file.BUILT_IN_REPOSITORIES.update(saved)


@contextlib.contextmanager
def as_runner(app_dir: Path) -> Iterator[None]:
    """The app folder on sys.path and as the cwd, as fal's runner sets up /app; undone after."""
    modules_before = set(sys.modules)
    environ = dict(os.environ)  # a runner is a fresh process: one app's variables never leak
    cwd = os.getcwd()
    sys.path.insert(0, str(app_dir))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(environ)
        os.chdir(cwd)
        with contextlib.suppress(ValueError):
            sys.path.remove(str(app_dir))
        for name in set(sys.modules) - modules_before:
            module = sys.modules.get(name)
            file = getattr(module, "__file__", None) or ""
            if file.startswith(str(app_dir)):
                del sys.modules[name]


@contextlib.contextmanager
def serve(app_dir: Path, app_file: str = "fal_app.py") -> Iterator[Any]:
    """A TestClient on the app's ASGI server, with setup() run on entry and teardown() on exit."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    app_class = load_app_class(app_dir / app_file)
    with as_runner(app_dir), uploads_in_memory():
        with TestClient(app_class(_allow_init=True)._build_app()) as client:
            yield client


_DEPLOYER = r'''
import sys, cloudpickle
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from tests.support.fal_apps import load_app_class
from fal.api import FalServerlessHost
from fal.sdk import Credentials
from fal.utils import load_function_from
app_file = sys.argv[1]
cls = load_app_class(Path(app_file))
host = FalServerlessHost(local_file_path=app_file, credentials=Credentials())
load_function_from(host, app_file, cls.__name__)
Path(sys.argv[2]).write_bytes(cloudpickle.dumps(cls))
'''

_RUNNER = r'''
import gc, json, sys, warnings, cloudpickle
warnings.simplefilter("ignore")
sys.path.insert(0, ".")
cls = cloudpickle.loads(open(sys.argv[1], "rb").read())
# fal travels by value: point every copy of its upload registry at the in-memory repository.
for obj in gc.get_objects():
    if isinstance(obj, dict) and isinstance(obj.get("BUILT_IN_REPOSITORIES"), dict):
        repos = obj["BUILT_IN_REPOSITORIES"]
        repos["fal_v3"] = repos["fal"] = repos["in_memory"]
from fastapi.testclient import TestClient
requests = json.loads(open(sys.argv[2]).read())
results = []
with TestClient(cls(_allow_init=True)._build_app()) as client:
    for path, body in requests:
        response = client.post(path, json=body)
        results.append({"status": response.status_code, "body": response.text,
                        "content_type": response.headers.get("content-type")})
print(json.dumps(results))
'''


def _pickle_like_fal_deploy(app_dir: Path, app_file: str, pickle_file: Path, python: str,
                            timeout: float) -> list[str]:
    """The app class pickled by fal's loader in a separate process; returns its app_files."""
    repo_root = Path(__file__).resolve().parents[2]
    subprocess.run([python, "-c", _DEPLOYER, str(app_dir / app_file), str(pickle_file),
                    str(repo_root)], check=True, capture_output=True, timeout=timeout,
                   cwd=pickle_file.parent)
    return list(getattr(load_app_class(app_dir / app_file), "app_files", None) or [])


def _runner_folder(app_dir: Path, shipped: list[str], folder: Path) -> Path:
    """A fresh working folder holding only what the app ships, as a runner's /app."""
    folder.mkdir()
    for entry in shipped:
        source = app_dir / entry.rstrip("/")
        if source.is_dir():
            shutil.copytree(source, folder / entry.rstrip("/"))
        else:
            (folder / entry).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / entry)
    return folder


def _runner_env(extra: dict[str, str | None] | None = None) -> dict[str, str]:
    """This process's environment without PYTHONPATH; `extra` sets variables (None: unsets)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def serve_deployed(app_dir: Path, requests: list[tuple[str, dict]], app_file: str = "fal_app.py",
                   python: str = sys.executable, timeout: float = 120) -> list[dict[str, Any]]:
    """Pickle like `fal deploy`, then answer `requests` in a fresh process holding only app_files."""
    with tempfile.TemporaryDirectory(prefix="cog2fal-deploy-") as tmp:
        tmp_path = Path(tmp)
        pickle_file, requests_file = tmp_path / "app.pkl", tmp_path / "requests.json"
        shipped = _pickle_like_fal_deploy(app_dir, app_file, pickle_file, python, timeout)
        runner_dir = _runner_folder(app_dir, shipped, tmp_path / "app")
        requests_file.write_text(json.dumps(requests))
        done = subprocess.run([python, "-c", _RUNNER, str(pickle_file), str(requests_file)],
                              capture_output=True, text=True, timeout=timeout, cwd=runner_dir,
                              env=_runner_env())
        if done.returncode != 0:
            raise AssertionError(f"runner failed:\n{done.stderr[-4000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])


class Deployed:
    """An app pickled once like `fal deploy`; `cold_starts` starts runners of it as fal does: each
    a fresh process in a fresh, empty working folder holding only the app's files, and all of
    them sharing one persistent volume mounted at /data (a private mount namespace binds
    `data_dir` there: `unshare -m` + `mount --bind`, as root)."""

    def __init__(self, app_dir: Path, scratch: Path, app_file: str = "fal_app.py",
                 python: str = sys.executable, timeout: float = 120):
        self.app_dir, self.scratch, self.python, self.timeout = app_dir, scratch, python, timeout
        scratch.mkdir(parents=True, exist_ok=True)
        self.pickle_file = scratch / "app.pkl"
        self.shipped = _pickle_like_fal_deploy(app_dir, app_file, self.pickle_file, python, timeout)
        self._count = 0

    def cold_starts(self, requests: list[tuple[str, dict]], data_dir: Path, runners: int = 1,
                    env: dict[str, str | None] | None = None) -> list[list[dict[str, Any]]]:
        """Starts `runners` runners at the same moment; returns each one's answers."""
        os.makedirs("/data", exist_ok=True)  # the mount point (empty; each runner binds over it)
        data_dir.mkdir(parents=True, exist_ok=True)
        requests_file = self.scratch / "requests.json"
        requests_file.write_text(json.dumps(requests))
        started = []
        for _ in range(runners):
            self._count += 1
            folder = _runner_folder(self.app_dir, self.shipped, self.scratch / f"runner-{self._count}")
            argv = ["unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                    'mount --bind "$0" /data && exec "$@"', str(data_dir),
                    self.python, "-c", _RUNNER, str(self.pickle_file), str(requests_file)]
            started.append(subprocess.Popen(argv, cwd=folder, env=_runner_env(env), text=True,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        answers = []
        for process in started:
            out, err = process.communicate(timeout=self.timeout)
            if process.returncode != 0:
                raise AssertionError(f"runner failed:\n{err[-4000:]}")
            answers.append(json.loads(out.strip().splitlines()[-1]))
        return answers
