"""A smoke test inside a built image, without a GPU and without a network.

One container runs the image's own `python` (the one fal will run the app with) on a short
script: it imports `fal` and cog2fal's runtime module from the working folder, lists the files
there, and asks the image's installer whether the installed packages agree (`pip check`, or
`uv pip check` in uv-built images that have no pip). Nothing of the model is run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cog2fal.errors import CogProjectError
from cog2fal.images.engine import connect, docker_sdk, short_reason

APP_FOLDER = "/src"  # the Dockerfiles' WORKDIR: COPY . /src, PYTHONPATH=/src
RUNTIME_MODULE = "cog2fal_runtime"
# The image's `python` as fal runs it; uv-built Cog images before 0.22 have only `python3`.
APP_PYTHON = ["sh", "-c", 'exec "$(command -v python || command -v python3)" "$@"']

_PROBE = r"""
import importlib, importlib.util, json, os, shutil, subprocess, sys
report = {"python": sys.executable, "cwd": os.getcwd(), "imports": {}}
for name in sys.argv[1:]:
    try:
        module = importlib.import_module(name)
        report["imports"][name] = getattr(module, "__file__", None) or "built in"
    except BaseException as exc:
        report["imports"][name] = "error: %s: %s" % (type(exc).__name__, exc)
files = []
for folder, subfolders, names in os.walk("."):
    subfolders[:] = [s for s in subfolders if s != "__pycache__"]
    files += [os.path.relpath(os.path.join(folder, n), ".").replace(os.sep, "/") for n in names]
report["files"] = sorted(files)
if importlib.util.find_spec("pip") is not None:
    command = [sys.executable, "-m", "pip", "check"]
elif shutil.which("uv"):
    command = ["uv", "pip", "check", "--python", sys.executable]
else:
    command = None
if command:
    done = subprocess.run(command, capture_output=True, text=True)
    report["check"] = {"command": "uv pip check" if command[0] == "uv" else "pip check",
                       "ok": done.returncode == 0,
                       "output": (done.stdout + done.stderr).strip()[-2000:]}
else:
    report["check"] = {"command": None, "ok": False, "output": "neither pip nor uv in the image"}
print("COG2FAL-SMOKE " + json.dumps(report))
"""


@dataclass
class SmokeCheck:
    name: str
    ok: bool
    detail: str

    def facts(self) -> dict[str, Any]:
        return {"check": self.name, "ok": self.ok, "detail": self.detail}


def smoke_test(tag: str, app_files: list[str], *, client: Any = None,
               modules: tuple[str, ...] = ("fal", RUNTIME_MODULE)) -> list[SmokeCheck]:
    """Runs the probe in `tag`; one SmokeCheck per question, in a stable order. `modules`: what
    must import (a bare Cog project, `dockerfile --build`, has no cog2fal_runtime)."""
    client = client or connect()
    docker = docker_sdk()
    image = client.images.get(tag)
    workdir = image.attrs.get("Config", {}).get("WorkingDir") or "/"
    try:
        raw = client.containers.run(tag, ["probe", "-c", _PROBE, *modules],
                                    entrypoint=APP_PYTHON, network_mode="none", remove=True,
                                    stdout=True, stderr=True)
    except docker.errors.ContainerError as exc:
        output = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else str(exc.stderr)
        raise CogProjectError(f"the smoke test could not run the image's python: {_last_line(output)}",
                              tag) from None
    except docker.errors.APIError as exc:
        raise CogProjectError(f"the smoke test could not start a container: {short_reason(exc)}",
                              tag) from None
    report = _parse(raw.decode(errors="replace"), tag)
    expected = "" if workdir == APP_FOLDER else f", the app expects {APP_FOLDER}"
    checks = [SmokeCheck("working folder", workdir == APP_FOLDER, f"WORKDIR {workdir}{expected}")]
    for name in modules:
        where = report["imports"].get(name, "error: not tried")
        checks.append(SmokeCheck(f"import {name}", not where.startswith("error:"),
                                 f"{where} (python {report['python']})"))
    present = set(report["files"])
    missing = [path for path in app_files if path not in present]
    checks.append(SmokeCheck(
        "model files", not missing,
        f"{len(app_files)} files in {workdir}" if not missing else
        f"missing from {workdir}: {', '.join(missing[:5])}" + (" …" if len(missing) > 5 else "")))
    check = report["check"]
    checks.append(SmokeCheck(check["command"] or "pip check", check["ok"],
                             _last_line(check["output"]) or "no broken requirements"))
    return checks


def _parse(output: str, tag: str) -> dict[str, Any]:
    for line in reversed(output.splitlines()):
        if line.startswith("COG2FAL-SMOKE "):
            return json.loads(line[len("COG2FAL-SMOKE "):])
    raise CogProjectError(f"the smoke test printed no report: {_last_line(output)}", tag)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def failed_summary(checks: list[SmokeCheck]) -> str | None:
    """One line naming every failed check, or None when all passed."""
    failed = [f"{check.name}: {check.detail}" for check in checks if not check.ok]
    return "smoke test failed: " + "; ".join(failed) if failed else None
