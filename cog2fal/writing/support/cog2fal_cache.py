"""Keeps what the model downloads on fal's persistent /data, so a runner downloads it once.

Shipped next to the model code by cog2fal when the model downloads weights or keeps caches.
`persistent()` wraps the model's import and `setup()`:

- Library caches (HF_HOME, TORCH_HOME, ...) the project leaves unset point under the persistent
  root (setdefault: the project's and the runner's own settings win).
- The project's cache folders and files (`model-cache/`, `checkpoints/`, absolute ones) keep
  their names: on a runner that finds them published under the root, each name is a symlink to
  the published copy, so `os.path.exists(MODEL_CACHE)` is true and nothing is downloaded again.
- The first runner of an app (no "ready" marker yet) runs the model's setup under a lock, on
  its own disk, exactly as under Cog; when setup() succeeds each folder is copied beside its
  place under the root and renamed into place (a half-written copy never has the final name),
  then the marker is written. Runners starting meanwhile wait for the lock and then find the
  marker. The lock is a lock file created with O_EXCL and kept fresh by a heartbeat (fal does
  not document flock on /data); a lock whose heartbeat stops is taken over. Correctness does
  not depend on the lock: if two runners ever both download, each publishes its own complete
  copy by rename.
- `pget` (Cog images have it; fal runners do not) is put on PATH when missing: a small Python
  implementation with pget's `URL DEST`, `-x` (extract a tar), `-f` (force) and `multifile`.
- `cog_weights()` fetches a `COG_WEIGHTS` URL once into the root.

Standard library only; it runs on the fal runner, never on the machine that deploys.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

READY = ".ready"
LOCK = ".lock"
HEARTBEAT_SECONDS = 10.0
STALE_SECONDS = 120.0  # a lock file not touched for this long belongs to a runner that died
POLL_SECONDS = 0.5


def default_root() -> str:
    """fal's persistent volume (`fal.toolkit.FAL_PERSISTENT_DIR`, /data); imported lazily so the
    `pget` command stays quick."""
    try:
        from fal.toolkit import FAL_PERSISTENT_DIR
    except ImportError:  # pragma: no cover - outside a fal runner
        return "/data"
    return str(FAL_PERSISTENT_DIR)


def _log(message: str) -> None:
    print(f"[cog2fal] {message}", file=sys.stderr, flush=True)


def _token() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


# ----------------------------------------------------------------------------- the lock


class FileLock:
    """An exclusive lock that works on any shared filesystem: the lock file is created with
    O_EXCL, its mtime is refreshed by a heartbeat thread, and a stale one is taken over."""

    def __init__(self, path: Path, *, stale_after: float = STALE_SECONDS,
                 heartbeat: float = HEARTBEAT_SECONDS):
        self.path, self.stale_after, self.heartbeat = path, stale_after, heartbeat
        self.token = _token()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def try_acquire(self) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            self._break_if_stale()
            return False
        with os.fdopen(fd, "w") as handle:
            handle.write(self.token)
        self._stop.clear()
        self._thread = threading.Thread(target=self._beat, name="cog2fal-cache-lock", daemon=True)
        self._thread.start()
        return True

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            with contextlib.suppress(OSError):
                os.utime(self.path)

    def _break_if_stale(self) -> None:
        try:
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return
        if age > self.stale_after:
            stale = self.path.with_name(f"{self.path.name}.stale-{self.token}")
            with contextlib.suppress(OSError):  # only one runner's rename succeeds
                os.rename(self.path, stale)
                _log(f"took over a lock left {age:.0f}s ago by a runner that stopped: {self.path}")
                stale.unlink()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with contextlib.suppress(OSError):
            if self.path.read_text() == self.token:
                self.path.unlink()


# ----------------------------------------------------------------------------- publishing


def _replace(staging: Path, target: Path) -> None:
    """Renames a complete copy into place; an older copy is renamed aside first, then removed."""
    old = None
    if target.exists() or target.is_symlink():
        old = target.with_name(f".{target.name}.old-{_token()}")
        os.rename(target, old)
    os.rename(staging, target)
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink(missing_ok=True)


def _copy(source: Path, staging: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, staging, symlinks=True)
    else:
        shutil.copy2(source, staging)


class PersistentCache:
    """The per-app folder under the persistent root, and what the model keeps there."""

    def __init__(self, app: str, *, root: str | None = None, base: str | None = None,
                 paths: Sequence[str] = (), caches: Mapping[str, str] | None = None,
                 files: Sequence[str] = ()):
        # COG2FAL_PERSISTENT_ROOT moves it for local runs (cog2fal verify, tests).
        self.root = Path(os.environ.get("COG2FAL_PERSISTENT_ROOT") or root or default_root())
        self.app_dir = self.root / "cog2fal" / app
        self.base = Path(base) if base else Path(__file__).resolve().parent
        self.paths = list(paths)
        self.caches = dict(caches or {})
        self.files = list(files)
        self.lock = FileLock(self.app_dir / LOCK)
        self.first_run = False

    # -- where things live

    def stored(self, path: str) -> Path:
        """Where a project path is kept under the root (`model-cache` → .../paths/model-cache)."""
        if os.path.isabs(path):
            return self.app_dir / "absolute" / path.lstrip("/")
        return self.app_dir / "paths" / path

    def local(self, path: str) -> Path:
        return Path(path) if os.path.isabs(path) else self.base / path

    @property
    def ready(self) -> bool:
        return (self.app_dir / READY).is_file()

    # -- steps

    def prepare(self, *, pget: bool = False) -> None:
        """Before the model code is imported: caches, large files, pget, and either the published
        folders (a warm cache) or the lock for the first setup."""
        self.app_dir.mkdir(parents=True, exist_ok=True)
        for variable, value in self.caches.items():
            if not os.environ.get(variable):  # the project's and the runner's own settings win
                os.environ[variable] = value if os.path.isabs(value) else str(self.root / value)
        self._link_files()
        if pget and shutil.which("pget") is None:
            install_pget()
        if self.ready:
            self._link_paths()
            return
        _log(f"no complete copy of the downloads under {self.app_dir} yet; waiting for the lock")
        while not self.lock.try_acquire():
            if self.ready:
                self._link_paths()
                return
            time.sleep(POLL_SECONDS)
        if self.ready:  # published while this runner was taking the lock
            self.lock.release()
            self._link_paths()
            return
        self.first_run = True
        _log(f"first setup of this app: downloads are published to {self.app_dir} when it succeeds")

    def publish(self) -> None:
        """After the first setup succeeded: copy each folder into place, then mark it ready."""
        if not self.first_run:
            return
        try:
            published = []
            for path in self.paths:
                local = self.local(path)
                if not local.exists() or local.is_symlink():
                    continue
                target = self.stored(path)
                target.parent.mkdir(parents=True, exist_ok=True)
                staging = target.with_name(f".{target.name}.partial-{_token()}")
                _copy(local, staging)
                _replace(staging, target)
                published.append(path)
            marker = self.app_dir / f".{READY}.partial-{_token()}"
            marker.write_text(json.dumps({"paths": published, "by": self.lock.token,
                                          "at": time.time()}) + "\n")
            os.rename(marker, self.app_dir / READY)
            _log(f"published {', '.join(published) or 'the caches'} to {self.app_dir}")
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Setup failed (or is done): the next runner takes over the first setup."""
        if self.first_run:
            self.first_run = False
            self.lock.release()

    def _link_paths(self) -> None:
        for path in self.paths:
            target, local = self.stored(path), self.local(path)
            if not target.exists():
                continue  # the first setup never wrote it: the model will, locally
            try:
                if local.is_symlink():
                    local.unlink()
                elif local.exists():  # what the project ships there: the published copy has it too
                    os.rename(local, local.with_name(f".{local.name}.shipped"))
                local.parent.mkdir(parents=True, exist_ok=True)
                local.symlink_to(target, target_is_directory=target.is_dir())
            except OSError as exc:
                _log(f"cannot link {local} to {target} ({exc}); the model keeps it on this runner")

    def _link_files(self) -> None:
        """Large files left out of the deploy: read from where `fal files upload` put them."""
        missing = []
        for path in self.files:
            local, stored = self.base / path, self.app_dir / "files" / path
            if local.exists():
                continue
            if not stored.exists():
                missing.append(path)
                continue
            local.parent.mkdir(parents=True, exist_ok=True)
            local.symlink_to(stored)
        if missing:
            commands = "; ".join(f"fal files upload {p} {self.app_dir / 'files' / p}" for p in missing)
            raise FileNotFoundError(f"{', '.join(missing)} not found under {self.app_dir / 'files'}: "
                                    f"upload once with: {commands}")

    def cog_weights(self, download: Callable[[str, Path], Path] | None = None) -> Path | None:
        """`COG_WEIGHTS` as Cog's `setup(weights)` got it; a URL is fetched once into the root."""
        import cog2fal_runtime

        value = os.environ.get("COG_WEIGHTS")
        if not value or not value.startswith(("http://", "https://", "data:")):
            return cog2fal_runtime.weights_from_env(download)
        folder = self.app_dir / "cog-weights" / hashlib.sha256(value.encode()).hexdigest()[:16]
        if folder.is_dir():
            return next(p for p in folder.iterdir())
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.partial-", dir=folder.parent))
        name = cog2fal_runtime._fetch(value, staging, download).name
        try:
            os.rename(staging, folder)
        except OSError:  # another runner published it first
            shutil.rmtree(staging, ignore_errors=True)
        return folder / name


@contextlib.contextmanager
def persistent(app: str, *, root: str | None = None, base: str | None = None,
               paths: Sequence[str] = (), caches: Mapping[str, str] | None = None,
               files: Sequence[str] = (), pget: bool = False) -> Iterator[PersistentCache]:
    """Wraps the model's import and `setup()`: see the module's docstring."""
    cache = PersistentCache(app, root=root, base=base, paths=paths, caches=caches, files=files)
    cache.prepare(pget=pget)
    try:
        yield cache
    except BaseException:
        cache.abandon()
        raise
    cache.publish()


# ----------------------------------------------------------------------------- pget


def install_pget() -> Path:
    """Puts a `pget` command on PATH that runs `pget_main` below with this Python."""
    folder = Path(tempfile.mkdtemp(prefix="cog2fal-bin-"))
    script = folder / "pget"
    here = str(Path(__file__).resolve().parent)
    script.write_text(f"#!{sys.executable}\nimport sys\nsys.path.insert(0, {here!r})\n"
                      "from cog2fal_cache import pget_main\nsys.exit(pget_main(sys.argv[1:]))\n")
    script.chmod(0o755)
    os.environ["PATH"] = f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"
    return script


_PGET_VALUE_OPTIONS = {"-c", "--concurrency", "-m", "--chunk-size", "--max-chunks",
                       "--max-conn-per-host", "--retries", "--connect-timeout", "--resolve",
                       "--log-level"}


def _pget_fetch(url: str, dest: Path, *, extract: bool, force: bool) -> None:
    if (dest.exists() or dest.is_symlink()) and not force:
        raise FileExistsError(f"destination {dest} already exists")
    dest.parent.mkdir(parents=True, exist_ok=True)
    token = _token()
    download = dest.with_name(f".{dest.name}.download-{token}")
    try:
        with urllib.request.urlopen(url) as response, download.open("wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        if not extract:
            os.replace(download, dest)
            return
        staging = dest.with_name(f".{dest.name}.extract-{token}")
        staging.mkdir()
        with tarfile.open(download) as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(staging, filter="data")
            else:  # pragma: no cover - Python without extraction filters
                archive.extractall(staging)
        if dest.exists() and force:
            _replace(staging, dest)
        else:
            os.rename(staging, dest)
    finally:
        download.unlink(missing_ok=True)
        if extract:
            shutil.rmtree(dest.with_name(f".{dest.name}.extract-{token}"), ignore_errors=True)


def pget_main(argv: Sequence[str]) -> int:
    """`pget [-x] [-f] URL DEST` and `pget multifile MANIFEST` (lines of `URL DEST`; `-` = stdin)."""
    flags, positional = set(), []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in _PGET_VALUE_OPTIONS and args:
            args.pop(0)
        elif arg.startswith("--") and "=" in arg:
            continue
        elif arg in ("--extract", "--force"):
            flags.add({"--extract": "-x", "--force": "-f"}[arg])
        elif arg.startswith("-") and not arg.startswith("--") and arg != "-":
            flags.update(f"-{letter}" for letter in arg[1:])  # `-xf`, `-vf`: combined short flags
        elif arg.startswith("--"):
            continue
        else:
            positional.append(arg)
    extract, force = "-x" in flags, "-f" in flags
    try:
        if positional[:1] == ["multifile"]:
            if len(positional) != 2:
                raise ValueError("usage: pget multifile MANIFEST")
            manifest = sys.stdin.read() if positional[1] == "-" else Path(positional[1]).read_text()
            for line in manifest.splitlines():
                if line.strip():
                    url, dest = line.split()
                    _pget_fetch(url, Path(dest), extract=False, force=force)
            return 0
        if len(positional) == 1:
            positional.append(os.path.basename(positional[0].split("?")[0]))
        if len(positional) != 2:
            raise ValueError("usage: pget [-x] [-f] URL DEST")
        _pget_fetch(positional[0], Path(positional[1]), extract=extract, force=force)
        return 0
    except Exception as exc:  # a command-line tool: one line, a non-zero status
        print(f"pget: {exc}", file=sys.stderr)
        return 1
