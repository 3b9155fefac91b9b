"""The candidate served INSIDE the app's built image: `verify --in-image`.

Same runner as on the host (`fal_runner`: fal's own app server, uvicorn on 127.0.0.1), but the
interpreter, fal, the system packages and the model's files are the image's: the container runs
the image's `python` in its WORKDIR (/src). Three things come in read-only from the host: the app
file (the image leaves it out, since fal pickles the app class), cog2fal's `verify` runner, and
a folder for the status events. The container shares the host's network, so the server on its
127.0.0.1 is the verify process's 127.0.0.1, and it is stopped and removed with the verify run.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cog2fal
from cog2fal.images.smoke import APP_PYTHON
from cog2fal.verify import processes
from cog2fal.verify.fal_server import FalServer

RUNNER_ROOT = "/opt/cog2fal-verify"  # cog2fal's package is mounted here, for fal_runner only
STATUS_FOLDER = "/cog2fal-status"
APP_FOLDER = "/cog2fal-app"
_KEPT_ENV = ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "NO_PROXY", "FAL_KEY", "HF_HUB_OFFLINE")


class ContainerProcess:
    """The little of `subprocess.Popen` verify uses (poll, returncode), for a container."""

    def __init__(self, container: Any, log: Path):
        self.container = container
        self.returncode: int | None = None
        self._log = log
        self._copier = threading.Thread(target=self._copy_logs, daemon=True)
        self._copier.start()

    def _copy_logs(self) -> None:
        with contextlib.suppress(Exception), open(self._log, "ab") as handle:
            for chunk in self.container.logs(stream=True, follow=True):
                handle.write(chunk)
                handle.flush()

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                self.container.reload()
            except Exception:  # removed under us: it is not running
                self.returncode = -1
                return self.returncode
            state = self.container.attrs.get("State", {})
            if state.get("Status") in ("exited", "dead"):
                self.returncode = int(state.get("ExitCode", -1))
        return self.returncode

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.container.stop(timeout=5)
        self.poll()
        with contextlib.suppress(Exception):
            self.container.remove(force=True)
        self._copier.join(timeout=5)


@dataclass
class FalServerInImage(FalServer):
    image: str = ""

    def start(self) -> None:
        from cog2fal.images.engine import connect

        client = connect()
        config = client.images.get(self.image).attrs.get("Config", {})
        image_env = dict(item.partition("=")[::2] for item in config.get("Env") or [])
        python_path = ":".join(p for p in (RUNNER_ROOT, image_env.get("PYTHONPATH", "")) if p)
        workdir = config.get("WorkingDir") or "/src"
        self.port = processes.free_port()
        self.status_file.write_text("")
        self.log.write_bytes(b"")
        package = Path(cog2fal.__file__).resolve().parent
        app_file = (self.app_copy / self.app_file).resolve()
        environment = {k: v for k, v in self.env.items() if k in _KEPT_ENV}
        environment["PYTHONPATH"] = python_path
        container = client.containers.run(
            self.image,
            ["runner", "-m", "cog2fal.verify.fal_runner", workdir, f"{APP_FOLDER}/{app_file.name}",
             str(self.port), f"{STATUS_FOLDER}/{self.status_file.name}"],
            entrypoint=APP_PYTHON, working_dir=workdir, environment=environment,
            network_mode="host", detach=True, labels={"cog2fal.verify": "in-image"},
            volumes={str(package): {"bind": f"{RUNNER_ROOT}/cog2fal", "mode": "ro"},
                     str(app_file): {"bind": f"{APP_FOLDER}/{app_file.name}", "mode": "ro"},
                     str(self.status_file.parent.resolve()): {"bind": STATUS_FOLDER, "mode": "rw"}})
        self.process = ContainerProcess(container, self.log)  # type: ignore[assignment]

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()  # type: ignore[attr-defined]
