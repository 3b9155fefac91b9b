"""verify's servers bind only to 127.0.0.1, and none of its processes outlives it.

Each test runs `cog2fal verify` as a subprocess and scans /proc every 50 ms for its descendants
(the Cog server, coglet's worker, the inspector, the fal app server) and the TCP sockets they
listen on; after verify exits, none of those processes may still be alive. Covered: success,
a mismatch, a fal app whose setup() fails, an error exit before the Cog server started, a
Ctrl-C (SIGINT to verify alone, while both servers are serving a slow prediction) and a SIGTERM.
"""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.verify.helpers import (
    EXAMPLES,
    Watched,
    convert,
    report_of,
    verify_argv,
    watch_verify,
    write_project,
)

SLOW_MODEL = '''
    import time

    from cog import BasePredictor, Input


    class Predictor(BasePredictor):
        def predict(self, seconds: float = Input(default=60.0)) -> str:
            time.sleep(seconds)
            return "done"
    '''


def _assert_clean(watched: Watched, tmp: Path) -> None:
    commands = list(watched.pids.values())
    assert any("cog.server.http" in c for c in commands), commands
    assert any("cog2fal.verify.fal_runner" in c for c in commands), commands
    listening = {(address, port) for _pid, address, port in watched.sockets}
    assert len({port for _address, port in listening}) >= 2, watched.sockets  # Cog's and fal's
    assert {address for address, _port in listening} == {"127.0.0.1"}, watched.sockets
    assert watched.survivors() == {}, "processes left behind"
    assert not list(tmp.glob("cog2fal-verify-*")), "scratch folder left behind"


def _tmpdir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return tmp, {"TMPDIR": str(tmp)}


def test_success_leaves_nothing(runtime: str, converted: dict[str, Path], tmp_path: Path) -> None:
    tmp, env = _tmpdir(tmp_path)
    watched = watch_verify(verify_argv(runtime, EXAMPLES / "text-tools" / "cog", converted["text-tools"],
                                       "--json"), env=env)
    assert watched.returncode == 0, watched.stdout + watched.stderr
    assert any("coglet.server._run_worker" in c for c in watched.pids.values())
    _assert_clean(watched, tmp)


def test_mismatch_leaves_nothing(runtime: str, converted: dict[str, Path], tmp_path: Path) -> None:
    app = Path(shutil.copytree(converted["text-tools"], tmp_path / "app"))
    predict = app / "predict.py"
    predict.write_text(predict.read_text().replace("return separator.join([result] * repeat)",
                                                   "return separator.join([result] * repeat)[::-1]"))
    tmp, env = _tmpdir(tmp_path)
    watched = watch_verify(verify_argv(runtime, EXAMPLES / "text-tools" / "cog", app, "--json"), env=env)
    assert watched.returncode == 1, watched.stdout + watched.stderr
    _assert_clean(watched, tmp)


def test_failing_fal_setup_leaves_nothing(runtime: str, converted: dict[str, Path], tmp_path: Path) -> None:
    app = Path(shutil.copytree(converted["text-tools"], tmp_path / "app"))
    predict = app / "predict.py"
    text = predict.read_text()
    assert text.count("    def setup(self) -> None:\n") == 1
    predict.write_text(text.replace("    def setup(self) -> None:\n",
                                    "    def setup(self) -> None:\n        raise RuntimeError('boom')\n"))
    tmp, env = _tmpdir(tmp_path)
    watched = watch_verify(verify_argv(runtime, EXAMPLES / "text-tools" / "cog", app, "--json"), env=env)
    assert watched.returncode == 1, watched.stdout + watched.stderr
    [problem] = report_of(watched)["problems"]
    assert "running setup(): RuntimeError: boom" in problem["message"]
    assert watched.survivors() == {}
    assert not list(tmp.glob("cog2fal-verify-*"))


def test_error_exit_leaves_nothing(runtime: str, tmp_path: Path) -> None:
    model = write_project(tmp_path / "model", '''
        from cog import BasePredictor

        import cog2fal_test_not_installed_module  # noqa: F401


        class Predictor(BasePredictor):
            def predict(self) -> str:
                return "x"
        ''')
    app = convert(model, tmp_path / "app")
    tmp, env = _tmpdir(tmp_path)
    watched = watch_verify(verify_argv(runtime, model, app), env=env)
    assert watched.returncode == 2, watched.stdout + watched.stderr
    assert any("cog2fal.verify.fal_runner" in c for c in watched.pids.values())
    assert watched.survivors() == {}
    assert not list(tmp.glob("cog2fal-verify-*"))


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupt_stops_both_servers(runtime: str, tmp_path: Path, signal_number: int) -> None:
    model = write_project(tmp_path / "slow", SLOW_MODEL)
    app = convert(model, tmp_path / "slow-fal")
    tmp, env = _tmpdir(tmp_path)

    serving_since: list[float] = []

    def mid_prediction(watched: Watched) -> bool:
        """Both servers up, then 1.5 s more: the first (60 s) prediction is running."""
        commands = list(watched.pids.values())
        worker = any("coglet.server._run_worker" in c for c in commands)
        if worker and len({port for _pid, _address, port in watched.sockets}) >= 2 and not serving_since:
            serving_since.append(time.monotonic())
        return bool(serving_since) and time.monotonic() - serving_since[0] > 1.5

    started = time.monotonic()
    watched = watch_verify(verify_argv(runtime, model, app), interrupt_when=mid_prediction, env=env,
                           timeout=120, signal_number=signal_number)
    assert time.monotonic() - started < 40, "verify waited for the prediction instead of stopping"
    assert watched.returncode == 130, watched.stdout + watched.stderr
    assert "interrupted" in watched.stderr
    assert "Traceback" not in watched.stderr
    _assert_clean(watched, tmp)
