"""The candidate: the converted app served by fal's app server, offline, on 127.0.0.1.

The app runs in a subprocess (`fal_runner`) under uvicorn, not in the verify process through
a TestClient, because:

- the model code changes the working folder and imports modules (`predict`, helpers) whose
  names clash with those of the Cog side; a separate process is the fresh interpreter a fal
  runner is, and it can be blocked from importing `cog`;
- a `setup()` that hangs or crashes, or a Ctrl-C, is handled by stopping a process group,
  exactly as for the Cog server, and nothing of the model stays loaded in verify;
- a real HTTP server on a loopback port shows the real framing of `/stream`'s server-sent
  events, as `fal_client.stream` would read them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cog2fal.verify import processes
from cog2fal.verify.cog_server import ServerStartError, missing_module_in, no_answer
from cog2fal.verify.outcome import Outcome, validation_detail


@dataclass
class FalServer:
    app_copy: Path
    app_file: str
    env: dict[str, str]
    log: Path
    status_file: Path
    process: subprocess.Popen | None = None
    port: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://{processes.LOOPBACK}:{self.port}"

    def start(self) -> None:
        self.port = processes.free_port()
        self.status_file.write_text("")
        self.process = processes.start(
            [sys.executable, "-m", "cog2fal.verify.fal_runner", str(self.app_copy), self.app_file,
             str(self.port), str(self.status_file)],
            cwd=self.app_copy, env=self.env, log=self.log)

    def _read_events(self) -> list[dict[str, Any]]:
        events = []
        for line in self.status_file.read_text(encoding="utf-8").splitlines():
            if line.strip():
                events.append(json.loads(line))
        self.events = events
        return events

    def failure(self) -> dict[str, Any] | None:
        return next((e for e in self._read_events() if e.get("event") == "failed"), None)

    @property
    def openapi(self) -> dict[str, Any] | None:
        loaded = next((e for e in self.events or self._read_events() if e.get("event") == "loaded"), None)
        return loaded["openapi"] if loaded else None

    def wait_loaded(self, timeout: float) -> dict[str, Any]:
        """The app's OpenAPI document, as soon as the app file is loaded (before setup ends)."""
        assert self.process is not None

        def loaded() -> bool:
            return any(e.get("event") in ("loaded", "failed") for e in self._read_events())

        processes.wait_until(loaded, self.process, timeout, interval=0.1)
        self._raise_if_failed()
        openapi = self.openapi
        if openapi is None:
            log = processes.tail(self.log)
            if self.process.poll() is not None:
                raise ServerStartError(f"fal's app server exited with status {self.process.returncode} "
                                       f"before loading the app: {_last_error(log)}",
                                       missing_module_in(log), log)
            raise ServerStartError(f"the fal app was not loaded after {timeout:.0f} s", None, log)
        return openapi

    def wait_ready(self, timeout: float) -> None:
        assert self.process is not None

        def healthy() -> bool:
            try:
                return processes.http("GET", self.base_url + "/health", timeout=5).status == 200
            except OSError:
                return False

        if processes.wait_until(healthy, self.process, timeout):
            return
        self._raise_if_failed()
        log = processes.tail(self.log)
        if self.process.poll() is not None:
            raise ServerStartError(f"fal's app server exited with status {self.process.returncode}",
                                   missing_module_in(log), log)
        raise ServerStartError(f"fal's app server was not ready after {timeout:.0f} s", None, log)

    def _raise_if_failed(self) -> None:
        failed = self.failure()
        if failed is not None:
            where = {"load": "loading the app file", "build": "building the app",
                     "setup": "running setup()"}.get(failed["stage"], failed["stage"])
            raise ServerStartError(f"the fal app failed while {where}: {failed['error']}",
                                   failed.get("missing_module"), failed.get("traceback", ""))

    def predict(self, inputs: dict[str, Any], timeout: float, path: str = "/") -> Outcome:
        try:
            result = processes.http("POST", self.base_url + path, inputs, timeout=timeout)
        except OSError as exc:
            return Outcome.failure(0, no_answer(exc, timeout, self.process) + _traceback_hint(self.log))
        try:
            body = result.json()
        except ValueError:
            return Outcome.failure(result.status, result.body.decode("utf-8", "replace")[:2000])
        if result.status == 200:
            return Outcome.success(body)
        if result.status == 422:
            return Outcome.failure(422, validation_detail(body), invalid_input=True)
        return Outcome.failure(result.status, validation_detail(body) + _traceback_hint(self.log))

    def stream(self, inputs: dict[str, Any], timeout: float, path: str = "/stream") -> Outcome:
        try:
            status, events, raw, error = processes.sse_events(self.base_url + path, inputs,
                                                              timeout=timeout)
        except OSError as exc:
            return Outcome.failure(0, no_answer(exc, timeout, self.process) + _traceback_hint(self.log))
        if status == 422:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = raw.decode("utf-8", "replace")
            return Outcome.failure(422, validation_detail(body), invalid_input=True)
        if status != 200:
            return Outcome.failure(status, raw.decode("utf-8", "replace")[:2000])
        if error is not None:
            return Outcome.failure(status, error + _traceback_hint(self.log))
        return Outcome.success(events)

    def stop(self) -> None:
        processes.stop(self.process)


def _traceback_hint(log: Path) -> str:
    """The last exception line fal's server logged for a 500, to say why it failed."""
    text = processes.tail(log, 8000)
    for line in reversed(text.splitlines()):
        stripped = line.strip().strip('"').strip()
        if stripped and ("Error" in stripped or "Exception" in stripped) and ":" in stripped:
            return f" ({stripped[:300]})"
    return ""


def _last_error(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    for line in reversed(lines):
        if "Error" in line or "Exception" in line:
            return line[:300]
    return lines[-1][:300] if lines else "(no output)"
