"""Starting and stopping a gateway process, from both sides.

The test process starts each gateway with `GatewayProcess` in the Cog runtime's interpreter
(the model servers need Cog, fal and the models' packages; the gateways need only the standard
library and cog2fal's verify code). The gateway starts its model server, then writes one JSON line
to its ready file (its URLs); SIGTERM stops the gateway and the model server it started, by their
process ids.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]


def serve_until_stopped(start: Callable[[], dict[str, Any]], ready_file: Path,
                        stop: Callable[[], Any]) -> int:
    """Child side: `start()`, announce its result in `ready_file`, serve until SIGTERM/SIGINT."""
    stopping = threading.Event()
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stopping.set())
    try:
        info = start()
        partial = ready_file.with_name(ready_file.name + ".tmp")
        partial.write_text(json.dumps(info))
        partial.replace(ready_file)
        while not stopping.wait(0.5):
            pass
        return 0
    finally:
        stop()


@dataclass
class GatewayProcess:
    """Parent side: one gateway running `python -m MODULE ARGS...` from the repository root."""

    python: str
    module: str
    args: list[str]
    folder: Path  # ready file, log and the gateway's scratch space
    env: dict[str, str] = field(default_factory=dict)  # added to this process's environment
    info: dict[str, Any] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.folder / "gateway.log"

    def start(self, timeout: float = 300) -> GatewayProcess:
        return self.launch().wait_ready(timeout)

    def launch(self) -> GatewayProcess:
        """Starts the process without waiting (start several, then wait for each)."""
        from cog2fal.verify import processes

        self.folder.mkdir(parents=True, exist_ok=True)
        self._ready.unlink(missing_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("COG_")}
        env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env.update(self.env)
        argv = [self.python, "-m", self.module, *self.args, "--ready-file", str(self._ready),
                "--scratch", str(self.folder)]
        self.process = processes.start(argv, cwd=REPO, env=env, log=self.log)
        return self

    def wait_ready(self, timeout: float = 300) -> GatewayProcess:
        from cog2fal.verify import processes

        assert self.process is not None
        deadline = time.monotonic() + timeout
        while not self._ready.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.module} did not start:\n{processes.tail(self.log)}")
            time.sleep(0.1)
        self.info = json.loads(self._ready.read_text())
        return self

    @property
    def _ready(self) -> Path:
        return self.folder / "ready.json"

    def stop(self) -> None:
        from cog2fal.verify import processes

        processes.stop(self.process, grace=10)
