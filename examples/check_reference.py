"""Run the runnable examples under Cog's own runtime and check every case succeeds.

Usage (with an interpreter that has `cog` and each example's dependencies):

    /work/venvs/cog023/bin/python examples/check_reference.py [NAME ...] [--save DIR] [-v]

For each example with a `cases/` folder this starts `python -m cog.server.http --host
127.0.0.1` in `<name>/cog/` (as `cog build` would set it up: `COG_PREDICT_TYPE_STUB`
from `predict:`, `cog.yaml`'s `environment`, `COG_MAX_CONCURRENCY` from `concurrency.max`),
POSTs each `cases/*.json` body to `/predictions`, expects `"status": "succeeded"`, and
stops the server. `--save DIR` writes each response to `DIR/<name>/<case>.json`.
Exit status 1 if any case failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))

# examples that talk to a service: a local stand-in is started and its URL put in this variable
MOCK_SERVERS = {"hunyuan3d": ("mock_api_server.py", "HUNYUAN3D_API_URL"),
                "weights-cache": ("weights_server.py", "WEIGHTS_SERVER")}
# examples that download weights in setup(): run from a copy of the project, with the caches in
# a scratch folder and `pget` (which Replicate's images have) on PATH
DOWNLOADS = {"weights-cache"}
PGET_STAND_IN = os.path.join(HERE, os.pardir, "cog2fal", "writing", "support", "cog2fal_cache.py")


def scratch_for_downloads(project: str, env: dict) -> str:
    """A copy of the project to run in, caches under it, and a `pget` on PATH when missing."""
    scratch = tempfile.mkdtemp(prefix="cog-reference-")
    copy = os.path.join(scratch, "cog")
    shutil.copytree(project, copy)
    env["XDG_CACHE_HOME"] = os.path.join(scratch, "cache")
    if shutil.which("pget", path=env.get("PATH")) is None:
        bin_dir = os.path.join(scratch, "bin")
        os.makedirs(bin_dir)
        script = os.path.join(bin_dir, "pget")
        with open(script, "w") as f:
            f.write(f"#!{sys.executable}\nimport sys\n"
                    f"sys.path.insert(0, {os.path.dirname(os.path.abspath(PGET_STAND_IN))!r})\n"
                    "from cog2fal_cache import pget_main\nsys.exit(pget_main(sys.argv[1:]))\n")
        os.chmod(script, 0o755)
        env["PATH"] = bin_dir + os.pathsep + env["PATH"]
    return copy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(method: str, url: str, body: bytes | None = None, timeout: float = 300):
    req = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def short(value, limit: int = 70) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 15] + f"...<{len(text)} chars>"


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_example(name: str, save: str | None, verbose: bool) -> bool:
    project = os.path.join(HERE, name, "cog")
    case_dir = os.path.join(HERE, name, "cases")
    with open(os.path.join(project, "cog.yaml"), encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}

    env = dict(os.environ)
    # coglet spawns its worker as `python` from PATH: make that this interpreter
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    for item in config.get("environment") or []:
        key, _, value = item.partition("=")
        env[key] = value
    env["COG_PREDICT_TYPE_STUB"] = config.get("predict") or config["run"]
    if (config.get("concurrency") or {}).get("max"):
        env["COG_MAX_CONCURRENCY"] = str(config["concurrency"]["max"])
    port = free_port()
    env["PORT"] = str(port)

    helpers = []
    if name in MOCK_SERVERS:
        script, variable = MOCK_SERVERS[name]
        mock_port = free_port()
        helpers.append(
            subprocess.Popen([sys.executable, os.path.join(HERE, name, script), str(mock_port)])
        )
        env[variable] = f"http://127.0.0.1:{mock_port}"

    if name in DOWNLOADS:
        project = scratch_for_downloads(project, env)

    if save:
        os.makedirs(save, exist_ok=True)
    log_path = os.path.join(save or tempfile.gettempdir(), f"cog-{name}.log")
    log = open(log_path, "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "cog.server.http", "--host", "127.0.0.1"],
        cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    ok = True
    try:
        deadline = time.monotonic() + 180
        status = None
        while time.monotonic() < deadline:
            try:
                status = http("GET", base + "/health-check", timeout=5)[1].get("status")
            except (OSError, ValueError):
                status = None
            if status in ("READY", "SETUP_FAILED") or server.poll() is not None:
                break
            time.sleep(0.3)
        if status != "READY":
            print(f"{name}: server not ready (status {status}); log: {log_path}")
            return False
        for case in sorted(os.listdir(case_dir)):
            if not case.endswith(".json"):
                continue
            with open(os.path.join(case_dir, case), "rb") as f:
                body = f.read()
            t = time.monotonic()
            # coglet 0.23.1 may answer 409 "At capacity" to a request sent right after the
            # previous one returned (its slot is released a moment later): retry briefly
            for _ in range(100):
                code, resp = http("POST", base + "/predictions", body)
                if code != 409:
                    break
                time.sleep(0.05)
            took = time.monotonic() - t
            good = code == 200 and resp.get("status") == "succeeded"
            ok &= good
            detail = short(resp.get("output")) if good else short(resp, 300)
            print(f"{'ok  ' if good else 'FAIL'} {name + '/' + case[:-5]:<36} {took:5.2f}s  {detail}")
            if verbose and not good:
                print(json.dumps(resp, indent=1)[:3000])
            if save:
                os.makedirs(os.path.join(save, name), exist_ok=True)
                with open(os.path.join(save, name, case), "w", encoding="utf-8") as f:
                    json.dump(resp, f, indent=1, sort_keys=True)
    finally:
        stop(server)
        for helper in helpers:
            stop(helper)
        log.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="examples to run (default: all with cases/)")
    parser.add_argument("--save", help="folder for the responses and server logs")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    names = args.names or sorted(
        n for n in os.listdir(HERE) if os.path.isdir(os.path.join(HERE, n, "cases"))
    )
    results = {n: run_example(n, args.save, args.verbose) for n in names}
    failed = [n for n, good in results.items() if not good]
    print(f"{len(results) - len(failed)}/{len(results)} examples passed" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
