"""Child processes verify starts: loopback ports, process groups, and stopping them for sure.

Every server runs in its own session (so its process group holds the server and whatever it
spawns, such as coglet's worker), is asked to stop with SIGTERM to the whole group, and is
killed with SIGKILL if it has not exited in time. On Linux each child also gets
`PR_SET_PDEATHSIG`, so that a verify process killed with SIGKILL does not orphan its servers.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from http.client import HTTPException
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def free_port() -> int:
    """A TCP port free on the loopback interface right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(argv: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Starts `argv` in a new session with stdout and stderr going to `log`."""
    with open(log, "wb") as handle:
        return subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=handle, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Holds SIGINT/SIGTERM while cleaning up, so a second Ctrl-C cannot cut a stop short."""
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    except (AttributeError, ValueError, OSError):  # not the main thread / not POSIX
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop(process: subprocess.Popen | None, grace: float = 5.0) -> None:
    """Stops the process and its whole group: SIGTERM, then SIGKILL after `grace` seconds."""
    if process is None:
        return
    with signals_deferred():
        try:
            group = os.getpgid(process.pid)
        except ProcessLookupError:
            group = process.pid  # already gone; its group may still hold children
        if group != process.pid:  # never signal a group we do not own (our own, for one)
            group = None
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            if group is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(group, sig)
            else:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(sig)
            if _wait_group(process, group, wait):
                return


def _wait_group(process: subprocess.Popen, group: int | None, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)
        if process.poll() is not None and (group is None or not group_alive(group)):
            return True
        if time.monotonic() >= deadline:
            return False


def group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _group_has_live_member(group)


def _group_has_live_member(group: int) -> bool:
    """`killpg(g, 0)` succeeds while zombies remain; look for a member that is not one."""
    proc = Path("/proc")
    if not proc.is_dir():
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == group and fields[0] != "Z":
            return True
    return False


def python_shim(folder: Path, python: str = sys.executable) -> Path:
    """A folder holding `python` that runs this interpreter (coglet spawns `python` from PATH)."""
    folder.mkdir(parents=True, exist_ok=True)
    shim = folder / "python"
    shim.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n')
    shim.chmod(0o755)
    return folder


# ----------------------------------------------------------------------------- HTTP


class HttpResult:
    def __init__(self, status: int, body: bytes, content_type: str | None):
        self.status = status
        self.body = body
        self.content_type = content_type or ""

    def json(self) -> Any:
        return json.loads(self.body or b"null")


def http(method: str, url: str, payload: Any = None, timeout: float = 600.0) -> HttpResult:
    """One request; HTTP errors are results, connection errors raise OSError."""
    data = None if payload is None else json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxies
    try:
        with opener.open(request, timeout=timeout) as response:
            return HttpResult(response.status, response.read(), response.headers.get("content-type"))
    except urllib.error.HTTPError as error:
        return HttpResult(error.code, error.read(), error.headers.get("content-type"))


def sse_events(url: str, payload: Any, timeout: float = 600.0) -> tuple[int, list[Any], bytes, str | None]:
    """POSTs and reads a server-sent event stream.

    Returns the status, the decoded `data:` payloads in order, the raw body, and an error when
    the stream broke off or an event was not JSON.
    """
    data = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "text/event-stream")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        response = opener.open(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        return error.code, [], error.read(), None
    events: list[Any] = []
    raw = bytearray()
    buffer: list[str] = []
    error = None
    with response:
        try:
            for line in response:
                raw.extend(line)
                text = line.decode("utf-8").rstrip("\r\n")
                if text.startswith("data:"):
                    buffer.append(text[5:].removeprefix(" "))
                elif not text and buffer:
                    events.append(json.loads("\n".join(buffer)))
                    buffer = []
            if buffer:
                events.append(json.loads("\n".join(buffer)))
        except (OSError, HTTPException, ValueError) as exc:
            error = f"the stream broke off after {len(events)} events: {type(exc).__name__}: {exc}"
        return response.status, events, bytes(raw), error


def wait_until(check: Callable[[], bool | None], process: subprocess.Popen, timeout: float,
               interval: float = 0.2) -> bool:
    """Polls `check` until it is true; False when the process exited or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        if process.poll() is not None:
            return bool(check())
        time.sleep(interval)
    return False


def tail(path: Path, limit: int = 4000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data[-limit:].decode("utf-8", "replace")
