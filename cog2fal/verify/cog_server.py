"""The reference: the ORIGINAL Cog project served by Cog's own runtime, on 127.0.0.1.

`python -m cog.server.http --host 127.0.0.1` (Cog 0.23.1: the Rust coglet server) runs in a
copy of the project whose `.cog/openapi_schema.json` verify wrote (see `cog_schema`), with the
environment a built image would have: `COG_PREDICT_TYPE_STUB` from `predict:`, cog.yaml's
`environment`, `COG_MAX_CONCURRENCY` from `concurrency.max`, `PORT`. coglet spawns its worker
as `python` from PATH, so PATH starts with a shim that runs this interpreter.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cog2fal.verify import processes
from cog2fal.verify.outcome import Outcome, validation_detail

_MISSING = re.compile(r"ModuleNotFoundError: No module named '([^']+)'")


class ServerStartError(RuntimeError):
    def __init__(self, message: str, missing_module: str | None = None, details: str = ""):
        super().__init__(message)
        self.missing_module = missing_module
        self.details = details


def no_answer(exc: OSError, timeout: float, process: subprocess.Popen | None) -> str:
    """Why a server gave no HTTP answer: it died, it timed out, or the connection broke."""
    if process is not None and process.poll() is not None:
        return f"the server exited (status {process.returncode}) while answering"
    if isinstance(exc, TimeoutError) or "timed out" in str(exc):
        return f"no answer within {timeout:.0f} s"
    return f"no answer: {type(exc).__name__}: {exc}"


def missing_module_in(text: str) -> str | None:
    found = _MISSING.findall(text)
    return found[-1] if found else None


@dataclass
class CogServer:
    project_copy: Path
    predictor_ref: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen | None = None
    port: int = 0

    @property
    def base_url(self) -> str:
        return f"http://{processes.LOOPBACK}:{self.port}"

    def start(self) -> None:
        self.port = processes.free_port()
        env = dict(self.env)
        env["PORT"] = str(self.port)
        env["COG_PREDICT_TYPE_STUB"] = self.predictor_ref
        self.process = processes.start(
            [sys.executable, "-m", "cog.server.http", "--host", processes.LOOPBACK],
            cwd=self.project_copy, env=env, log=self.log)

    def wait_ready(self, timeout: float) -> None:
        assert self.process is not None
        state: dict[str, Any] = {}

        def ready() -> bool:
            try:
                health = processes.http("GET", self.base_url + "/health-check", timeout=5).json()
            except (OSError, ValueError):
                return False
            state.update(health if isinstance(health, dict) else {})
            return state.get("status") in ("READY", "SETUP_FAILED", "DEFUNCT")

        if not processes.wait_until(ready, self.process, timeout):
            log = processes.tail(self.log)
            if self.process.poll() is not None:
                raise ServerStartError(f"Cog's runtime exited with status {self.process.returncode} "
                                       "before it was ready", missing_module_in(log), log)
            raise ServerStartError(f"Cog's runtime was not ready after {timeout:.0f} s", None, log)
        if state.get("status") != "READY":
            logs = str((state.get("setup") or {}).get("logs") or "") + processes.tail(self.log)
            raise ServerStartError(f"Cog's runtime could not set up the model ({state.get('status')})",
                                   missing_module_in(logs), logs[-4000:])

    def predict(self, inputs: dict[str, Any], timeout: float) -> Outcome:
        # coglet 0.23.1 may answer 409 "At capacity" right after the previous prediction
        # returned (its slot is released a moment later): retry for a short while.
        deadline = time.monotonic() + 10
        while True:
            try:
                result = processes.http("POST", self.base_url + "/predictions", {"input": inputs},
                                        timeout=timeout)
            except OSError as exc:
                return Outcome.failure(0, no_answer(exc, timeout, self.process))
            if result.status != 409 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        try:
            body = result.json()
        except ValueError:
            return Outcome.failure(result.status, result.body.decode("utf-8", "replace")[:2000])
        if result.status == 200 and isinstance(body, dict) and body.get("status") == "succeeded":
            return Outcome.success(body.get("output"))
        if result.status == 422:
            return Outcome.failure(422, validation_detail(body), invalid_input=True)
        error = body.get("error") if isinstance(body, dict) else None
        return Outcome.failure(result.status, str(error or body)[:2000])

    def stop(self) -> None:
        processes.stop(self.process)

