"""The persistent cache in conversions: large project files are read from the volume instead of
being deployed, the CLI turns the cache off or moves it, and `--json` / `inspect` report the
download sites."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cog2fal.convert import ConvertOptions, convert_project
from tests.support.fal_apps import deploy_check, serve_deployed
from tests.support.trees import write_tree

PREDICT = textwrap.dedent('''
    import os
    from cog import BasePredictor

    MODEL_CACHE = "model-cache"


    class Predictor(BasePredictor):
        def setup(self):
            self.size = os.path.getsize("weights/model.bin")
            with open("weights/config.json") as handle:
                self.config = handle.read().strip()

        def predict(self, x: int = 1) -> str:
            return f"{self.config} {self.size * x}"
''')
BIG = 10 * 1024 * 1024 + 1


def _project(root: Path) -> Path:
    (root / "weights").mkdir(parents=True)
    (root / "cog.yaml").write_text('build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n')
    (root / "predict.py").write_text(PREDICT)
    (root / "weights/config.json").write_text('{"name": "big"}\n')
    with (root / "weights/model.bin").open("wb") as handle:
        handle.truncate(BIG)  # sparse: ≥ 10 MB on paper, nothing on disk
    return root


def cog2fal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", *args], capture_output=True, text=True,
                          timeout=120)


def test_large_files_are_read_from_the_volume_not_deployed(tmp_path: Path) -> None:
    project = _project(tmp_path / "big-model")
    conversion = convert_project(project, ConvertOptions(mode="app"))
    cache = conversion.plan.cache
    assert cache is not None and cache.files == ["weights/model.bin"]
    assert "weights/config.json" in conversion.plan.app_files
    shipped_weights = [e for e in conversion.plan.app_files if e.startswith("weights")]
    assert shipped_weights == ["weights/config.json"]
    todo = [f for f in conversion.findings if f.code == "C2F071"]
    assert len(todo) == 1 and todo[0].severity == "todo" and str(todo[0].location) == "weights/model.bin:1"
    command = "fal files upload weights/model.bin /data/cog2fal/big-model/files/weights/model.bin"
    assert command in todo[0].message
    assert command in conversion.files["MIGRATION.md"].decode()
    assert not [f for f in conversion.findings if f.code == "C2F030"]

    app = tmp_path / "app"
    write_tree(app, conversion.files)
    deploy_check(app / "fal_app.py")
    volume = Path(os.environ["COG2FAL_PERSISTENT_ROOT"])
    with pytest.raises(AssertionError, match="fal files upload weights/model.bin"):
        serve_deployed(app, [("/", {"x": 2})])  # setup() fails: the file is not on the volume yet
    stored = volume / "cog2fal/big-model/files/weights/model.bin"
    stored.parent.mkdir(parents=True, exist_ok=True)
    os.link(project / "weights/model.bin", stored)  # what `fal files upload` would have put there
    [answer] = serve_deployed(app, [("/", {"x": 2})])
    assert answer["status"] == 200, answer["body"][-2000:]
    assert json.loads(answer["body"]) == {"output": f'{{"name": "big"}} {BIG * 2}'}


def test_cli_turns_the_cache_off_or_moves_it(tmp_path: Path) -> None:
    project = Path(__file__).parent.parent / "examples/weights-cache/cog"
    done = cog2fal("convert", str(project), "--out", str(tmp_path / "off"), "--no-persistent-cache",
                   "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["persistent_cache"]["enabled"] is False
    assert "cog2fal_cache.py" not in report["files"]
    assert "cog2fal_cache" not in (tmp_path / "off/fal_app.py").read_text()
    assert "--no-persistent-cache" in (tmp_path / "off/MIGRATION.md").read_text()

    done = cog2fal("convert", str(project), "--out", str(tmp_path / "moved"), "--persistent-root",
                   "/mnt/volume", "--json")
    assert done.returncode == 0, done.stderr
    sites = json.loads(done.stdout)["persistent_cache"]["sites"]
    assert [(s["location"], s["kind"], s["persisted"]) for s in sites] == [
        ("predict.py:13", "folder_constant", True), ("predict.py:30", "pget", True),
        ("predict.py:33", "huggingface", True)]
    assert sites[1]["where"] == "/mnt/volume/cog2fal/weights-cache/paths/model-cache"
    assert 'root="/mnt/volume",' in (tmp_path / "moved/fal_app.py").read_text()

    done = cog2fal("convert", str(project), "--out", str(tmp_path / "bad"), "--persistent-root", "data")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "--persistent-root" in done.stderr and not (tmp_path / "bad").exists()


def test_inspect_lists_the_download_sites() -> None:
    project = Path(__file__).parent.parent / "examples/weights-cache/cog"
    done = cog2fal("inspect", str(project))
    assert done.returncode == 0, done.stderr
    assert "predict.py:30: download_weights(WEIGHTS_URL, MODEL_CACHE) → " \
        "/data/cog2fal/weights-cache/paths/model-cache" in done.stdout
    data = json.loads(cog2fal("inspect", str(project), "--json").stdout)
    assert data["persistent_cache"]["paths"] == ["model-cache"]
    assert data["persistent_cache"]["caches"] == {"HF_HOME": ".cache/huggingface"}
