"""Cold starts on an emulated fal runner keep the downloads on the persistent /data.

`examples/weights-cache` downloads its weights in `setup()` from a server on 127.0.0.1: a tar
archive with `pget -x` into `model-cache/`, and a file into the Hugging Face cache layout. Its
committed fal app is pickled as `fal deploy` pickles it, and each cold start is a fresh process
in a fresh, empty working folder holding only the app's files, with a test folder mounted on
/data (a private mount namespace, as root) and no `pget` on PATH, as on fal's runners. The
server counts every download. Cog's answers for the same inputs come from `cog2fal verify`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from cog2fal.writing import support
from tests.conftest import EXAMPLES
from tests.support.fal_apps import Deployed
from tests.support.weights_server import WeightsServer
from tests.verify.helpers import report_of, run_verify, runtime_python

EXAMPLE = EXAMPLES / "weights-cache"
SUPPORT = Path(next(iter(support.__path__)))
CASES = sorted((EXAMPLE / "cases").glob("*.json"))
APP_DIR = "/data/cog2fal/weights-cache"


def _weight_files() -> dict[str, bytes]:
    spec = importlib.util.spec_from_file_location("weights_server", EXAMPLE / "weights_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.weight_files()


FILES = _weight_files()
REQUESTS = [("/", json.loads(path.read_text())["input"]) for path in CASES]


def _no_pget_path() -> str:
    """PATH without any folder that has a `pget`: fal's runners have none."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not os.path.exists(os.path.join(f, "pget")))


def _runner_env(server: WeightsServer) -> dict[str, str | None]:
    env: dict[str, str | None] = {"WEIGHTS_SERVER": server.url, "PATH": _no_pget_path()}
    for name in ("HF_HOME", "HF_HUB_CACHE", "XDG_CACHE_HOME", "COG2FAL_PERSISTENT_ROOT"):
        env[name] = None  # the runner starts without them
    return env


def _outputs(answers: list[dict[str, Any]]) -> list[Any]:
    assert [a["status"] for a in answers] == [200] * len(answers), answers
    return [json.loads(a["body"])["output"] for a in answers]


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Deployed:
    return Deployed(EXAMPLE / "fal", tmp_path_factory.mktemp("deployed"))


@pytest.fixture(scope="module")
def cog_answers(tmp_path_factory: pytest.TempPathFactory) -> list[Any]:
    """Cog's outputs for the example's cases, from `cog2fal verify` (which must match)."""
    python = runtime_python()
    assert python is not None, "set COG2FAL_RUNTIME_PYTHON (scripts/test.sh does)"
    scratch = tmp_path_factory.mktemp("verify")
    bin_dir = scratch / "bin"  # Cog's images have pget: a stand-in with its semantics
    bin_dir.mkdir()
    pget = bin_dir / "pget"
    pget.write_text(f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {str(SUPPORT)!r})\n"
                    "from cog2fal_cache import pget_main\nsys.exit(pget_main(sys.argv[1:]))\n")
    pget.chmod(0o755)
    with WeightsServer(FILES) as server:
        args = [arg for path in CASES for arg in ("--case", str(path))]
        done = run_verify(python, EXAMPLE / "cog", EXAMPLE / "fal", *args, "--json", env={
            "WEIGHTS_SERVER": server.url, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
            "XDG_CACHE_HOME": str(scratch / "home-cache")})
    report = report_of(done)
    assert report["status"] == "match", json.dumps(report, indent=2)[-3000:]
    assert done.returncode == 0
    persisted = report["persistent_cache"]
    assert persisted["paths"] == ["model-cache"] and persisted["caches"] == ["HF_HOME"], persisted
    by_case = {c["case"]: c["cog"]["output"] for c in report["cases"]}
    return [by_case[path.stem] for path in CASES]


def test_second_cold_start_downloads_nothing(deployed: Deployed, cog_answers: list[Any],
                                             tmp_path: Path) -> None:
    data = tmp_path / "data"
    with WeightsServer(FILES) as server:
        first = deployed.cold_starts(REQUESTS, data, env=_runner_env(server))
        assert server.total == 2 and set(server.downloads.values()) == {1}, server.downloads
        second = deployed.cold_starts(REQUESTS, data, env=_runner_env(server))
        assert server.total == 2, server.downloads  # nothing downloaded again
    assert _outputs(first[0]) == _outputs(second[0]) == cog_answers
    stored = data / "cog2fal/weights-cache"
    assert json.loads((stored / ".ready").read_text())["paths"] == ["model-cache"]
    assert (stored / "paths/model-cache/letters.json").is_file()
    hub = data / ".cache/huggingface/hub/models--tiny-models--scorer-words"
    assert (hub / "snapshots/main/words.json").is_file()
    runner = deployed.scratch / f"runner-{deployed._count}"
    assert os.readlink(runner / "model-cache") == f"{APP_DIR}/paths/model-cache"
    assert not list(stored.glob(".*partial*")) and not (stored / ".lock").exists()


def test_runners_started_together_download_once(deployed: Deployed, cog_answers: list[Any],
                                                tmp_path: Path) -> None:
    data = tmp_path / "data"
    with WeightsServer(FILES, delay=0.5) as server:  # slow enough for both to start meanwhile
        together = deployed.cold_starts(REQUESTS, data, runners=2, env=_runner_env(server))
        assert server.total == 2 and set(server.downloads.values()) == {1}, server.downloads
    assert [_outputs(answers) for answers in together] == [cog_answers, cog_answers]


def test_failed_first_setup_publishes_nothing(deployed: Deployed, cog_answers: list[Any],
                                                 tmp_path: Path) -> None:
    """A failed first setup publishes nothing and leaves no lock: the next runner redoes it."""
    data = tmp_path / "data"
    with WeightsServer({}) as broken:  # the weights are not there: setup() fails
        with pytest.raises(AssertionError, match="runner failed"):
            deployed.cold_starts(REQUESTS, data, env=_runner_env(broken))
    stored = data / "cog2fal/weights-cache"
    assert not (stored / ".ready").exists() and not (stored / ".lock").exists()
    with WeightsServer(FILES) as server:
        answers = deployed.cold_starts(REQUESTS, data, env=_runner_env(server))
        assert server.total == 2
    assert _outputs(answers[0]) == cog_answers
    shutil.rmtree(data, ignore_errors=True)
