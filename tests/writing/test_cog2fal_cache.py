"""The shipped cache runtime: pget's semantics, publishing by rename after the first setup, the
lock between runners that start together, and a lock left by a runner that died."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cog2fal.writing import support
from tests.support.weights_server import WeightsServer, tar_of

SUPPORT = Path(support.__file__).parent if getattr(support, "__file__", None) else \
    Path(next(iter(support.__path__)))
sys.path.insert(0, str(SUPPORT))
import cog2fal_cache  # noqa: E402

ARCHIVE = tar_of({"weights.txt": b"w=3\n", "sub/extra.bin": b"\x00\x01"})

# A model's setup as Cog projects write it, run as a separate runner process.
RUNNER = r'''
import os, subprocess, sys
sys.path.insert(0, sys.argv[1])
import cog2fal_cache
base, root, url = sys.argv[2], sys.argv[3], sys.argv[4]
os.chdir(base)
with cog2fal_cache.persistent("demo", root=root, base=base, paths=["model-cache"], pget=True):
    if not os.path.exists("model-cache"):
        subprocess.check_call(["pget", "-x", url, "model-cache"])
    if os.environ.get("FAIL") == "1":
        raise SystemExit("setup failed")
print(open("model-cache/weights.txt").read().strip())
'''


def _runner(tmp: Path, root: Path, url: str, name: str, **env: str) -> subprocess.Popen:
    base = tmp / name
    base.mkdir()
    environ = {k: v for k, v in os.environ.items() if k != "COG2FAL_PERSISTENT_ROOT"}
    return subprocess.Popen([sys.executable, "-c", RUNNER, str(SUPPORT), str(base), str(root), url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**environ, **env})


def test_pget_semantics(tmp_path: Path) -> None:
    with WeightsServer({"/m.tar": ARCHIVE, "/a.bin": b"abc", "/b.bin": b"bcd"}) as server:
        os.chdir(tmp_path)
        assert cog2fal_cache.pget_main([f"{server.url}/a.bin", "dl/a.bin"]) == 0
        assert (tmp_path / "dl/a.bin").read_bytes() == b"abc"
        assert cog2fal_cache.pget_main([f"{server.url}/b.bin", "dl/a.bin"]) == 1  # exists
        assert cog2fal_cache.pget_main(["-f", f"{server.url}/b.bin", "dl/a.bin"]) == 0
        assert (tmp_path / "dl/a.bin").read_bytes() == b"bcd"
        assert cog2fal_cache.pget_main(["-x", "-c", "8", f"{server.url}/m.tar", "cache"]) == 0
        assert (tmp_path / "cache/sub/extra.bin").read_bytes() == b"\x00\x01"
        assert cog2fal_cache.pget_main(["-vxf", f"{server.url}/m.tar", "cache"]) == 0  # combined flags
        assert cog2fal_cache.pget_main(["--extract", f"{server.url}/m.tar", "cache2"]) == 0
        assert (tmp_path / "cache2/weights.txt").is_file()
        (tmp_path / "manifest.txt").write_text(f"{server.url}/a.bin m/a.bin\n{server.url}/b.bin m/b.bin\n")
        assert cog2fal_cache.pget_main(["multifile", "manifest.txt"]) == 0
        assert (tmp_path / "m/b.bin").read_bytes() == b"bcd"
        assert cog2fal_cache.pget_main([f"{server.url}/missing", "x"]) == 1
        assert not list(tmp_path.glob("**/.*download*")) and not list(tmp_path.glob("**/.*extract*"))


def test_second_runner_downloads_nothing_and_together_only_one_downloads(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with WeightsServer({"/m.tar": ARCHIVE}, delay=1.0) as server:
        url = f"{server.url}/m.tar"
        first = _runner(tmp_path, root, url, "first")
        assert first.communicate(timeout=60)[0].strip() == "w=3"
        assert server.total == 1
        second = _runner(tmp_path, root, url, "second")
        assert second.communicate(timeout=60)[0].strip() == "w=3"
        assert server.total == 1
        assert (tmp_path / "second/model-cache").is_symlink()
        assert (root / "cog2fal/demo/paths/model-cache/weights.txt").is_file()

        together_root = tmp_path / "data2"
        runners = [_runner(tmp_path, together_root, url, f"together{i}") for i in range(3)]
        outputs = [r.communicate(timeout=60) for r in runners]
        assert [o[0].strip() for o in outputs] == ["w=3"] * 3, outputs
        assert server.total == 2  # one more download for the fresh root, shared by three runners


def test_failed_setup_leaves_no_ready_copy(tmp_path: Path) -> None:
    root = tmp_path / "data"
    with WeightsServer({"/m.tar": ARCHIVE}) as server:
        url = f"{server.url}/m.tar"
        failed = _runner(tmp_path, root, url, "failed", FAIL="1")
        failed.communicate(timeout=60)
        assert failed.returncode != 0
        assert not (root / "cog2fal/demo/.ready").exists()
        assert not (root / "cog2fal/demo/.lock").exists()
        retry = _runner(tmp_path, root, url, "retry")
        assert retry.communicate(timeout=60)[0].strip() == "w=3"
        assert server.total == 2 and (root / "cog2fal/demo/.ready").is_file()


def test_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    lock_path = tmp_path / ".lock"
    lock_path.write_text("a runner that died")
    old = time.time() - cog2fal_cache.STALE_SECONDS - 5
    os.utime(lock_path, (old, old))
    lock = cog2fal_cache.FileLock(lock_path, heartbeat=0.05)
    assert not lock.try_acquire()  # the stale file is removed by this attempt...
    assert lock.try_acquire()  # ...and the next one takes the lock
    before = lock_path.stat().st_mtime
    time.sleep(0.3)
    assert lock_path.stat().st_mtime > before  # the heartbeat keeps it fresh
    other = cog2fal_cache.FileLock(lock_path)
    assert not other.try_acquire()
    lock.release()
    assert not lock_path.exists() and other.try_acquire()
    other.release()


def test_default_caches_do_not_override_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COG2FAL_PERSISTENT_ROOT", raising=False)
    monkeypatch.setenv("HF_HOME", "/somewhere/else")
    monkeypatch.delenv("TORCH_HOME", raising=False)
    cache = cog2fal_cache.PersistentCache("demo", root=str(tmp_path), base=str(tmp_path / "app"),
                                          caches={"HF_HOME": ".cache/huggingface",
                                                  "TORCH_HOME": ".cache/torch"})
    cache.prepare()
    cache.publish()
    assert os.environ["HF_HOME"] == "/somewhere/else"
    assert os.environ["TORCH_HOME"] == str(tmp_path / ".cache/torch")
