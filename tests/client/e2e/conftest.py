"""Fixtures of the end-to-end client tests: the local CA and one "deployment" per
example: the Cog project behind the Replicate gateway and its conversion behind the fal gateway.

The gateways stand in for the hosted services (api.replicate.com; fal.run and queue.fal.run);
the clients (`replicate`, `fal_client`) and the model servers (Cog's runtime, fal's app server)
are the real ones. The client scripts run in this interpreter's venv, which has both clients; the
gateways and model servers run in the Cog runtime's venv (COG2FAL_RUNTIME_PYTHON).
"""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.gateways.lifecycle import GatewayProcess
from tests.support.gateways.tls import LocalTls, local_tls
from tests.verify.helpers import EXAMPLES, convert, runtime_python

SCRIPTS = Path(__file__).parent / "scripts"
REPLICATE_OWNER = "acme"
FAL_OWNER = "acme-fal"
# What the client scripts hard-code, as real scripts hard-code a model version.
VERSIONS = {"caption-json": "5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa"}
SCRIPT_TIMEOUT = 120


@pytest.fixture(scope="session")
def tls(tmp_path_factory: pytest.TempPathFactory) -> LocalTls:
    cache = os.environ.get("COG2FAL_TEST_CACHE")
    return local_tls(Path(cache) / "tls" if cache else tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def runtime_for_gateways() -> str:
    python = runtime_python()
    if python is None:  # scripts/test.sh and CI always set it: a missing one is a broken setup
        pytest.fail("COG2FAL_RUNTIME_PYTHON is not set: run the suite with scripts/test.sh")
    return python


def example_picture(name: str = "image-filter", case: str = "default") -> bytes:
    data_uri = json.loads((EXAMPLES / name / "cases" / f"{case}.json").read_text())["input"]["image"]
    return base64.b64decode(data_uri.split(",", 1)[1])


@dataclass
class Deployment:
    """One example, served both ways."""

    name: str
    replicate: GatewayProcess
    fal: GatewayProcess
    tls: LocalTls
    workdir: Path

    @property
    def fal_app_id(self) -> str:
        return self.fal.info["app_id"]

    def replicate_env(self) -> dict[str, str]:
        return _client_env(self.tls, REPLICATE_API_TOKEN="r8_local_gateway_token",
                           REPLICATE_BASE_URL=self.replicate.info["base_url"])

    def fal_env(self) -> dict[str, str]:
        return _client_env(self.tls, FAL_KEY="local-key-id:local-key-secret",
                           FAL_RUN_HOST=self.fal.info["run_host"],
                           FAL_QUEUE_RUN_HOST=self.fal.info["queue_host"])


def _client_env(tls: LocalTls, **settings: str) -> dict[str, str]:
    """This environment without any client's settings, plus `settings` and trust in the local CA."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("REPLICATE_", "FAL_", "COG_")) and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    env.update(settings, SSL_CERT_FILE=str(tls.ca_file), NO_PROXY="127.0.0.1,localhost",
               PYTHONDONTWRITEBYTECODE="1")
    return env


def fal_app_name(app_dir: Path) -> str:
    """The app name `convert` gave the model (`class X(fal.App, name="...")`)."""
    found = re.search(r'\(fal\.App, name="([^"]+)"', (app_dir / "fal_app.py").read_text())
    assert found, f"no app name in {app_dir / 'fal_app.py'}"
    return found.group(1)


@pytest.fixture(scope="module")
def deployment(request: pytest.FixtureRequest, tls: LocalTls, runtime_for_gateways: str,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    name = request.param
    root = tmp_path_factory.mktemp(f"e2e-{name}")
    app_dir = convert(EXAMPLES / name / "cog", root / "fal-app")
    trust = {"SSL_CERT_FILE": str(tls.ca_file), "REQUESTS_CA_BUNDLE": str(tls.ca_file)}
    certificate = ["--cert", str(tls.cert_file), "--key", str(tls.key_file)]
    version = ["--version", VERSIONS[name]] if name in VERSIONS else []
    replicate = GatewayProcess(
        runtime_for_gateways, "tests.support.gateways.replicate_gateway",
        [str(EXAMPLES / name / "cog"), "--model", f"{REPLICATE_OWNER}/{name}", *version, *certificate],
        root / "replicate-gateway", env=trust)
    fal = GatewayProcess(
        runtime_for_gateways, "tests.support.gateways.fal_gateway",
        [str(app_dir), "--app-id", f"{FAL_OWNER}/{fal_app_name(app_dir)}", *certificate],
        root / "fal-gateway", env=trust)
    try:
        replicate.launch()
        fal.launch()
        replicate.wait_ready()
        fal.wait_ready()
        workdir = root / "work"
        workdir.mkdir()
        yield Deployment(name, replicate, fal, tls, workdir)
    finally:
        replicate.stop()
        fal.stop()


def run_script(script: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A client script run as its user runs it: `python script.py ARGS`, in its own folder."""
    done = subprocess.run([sys.executable, str(script), *args], cwd=script.parent, env=env,
                          capture_output=True, text=True, timeout=SCRIPT_TIMEOUT)
    assert done.returncode == 0, f"{script.name} failed:\n{done.stdout}\n{done.stderr[-4000:]}"
    return done
