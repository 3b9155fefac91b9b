"""output.py: the output folder is the old one or the new one, whole, whatever stops a write
(an OS refusal, Ctrl-C, SIGTERM); where it may go; the Dockerfile's atomic file writes; and a
project file shipped unchanged is copied when written, never held in memory, compared by size and
then in chunks, and diffed only when small."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from cog2fal.conversion import ConvertOptions, CopiedFile
from cog2fal.convert import convert_project
from cog2fal.errors import GivenPathError
from cog2fal.output import (
    DIFF_LIMIT,
    check_outside_projects,
    check_replaceable,
    check_writable,
    differences,
    unified_diff,
    write_files,
    write_tree,
)
from tests.conftest import FIXTURES
from tests.support.signals import default_signal_handling

PROJECT = FIXTURES / "hello_text"


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def project_copy(tmp_path: Path, name: str = "project") -> Path:
    return Path(shutil.copytree(PROJECT, tmp_path / name))


# --------------------------------------------------------------------------- where it may go


def test_an_output_inside_the_project_is_refused(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    with pytest.raises(GivenPathError, match="inside the Cog project") as caught:
        check_writable(project / "fal", project, force=False)
    assert caught.value.file == str(project / "fal")
    with pytest.raises(GivenPathError, match="inside the Cog project"):  # a cog.yaml path too
        check_writable(project / "deep" / "fal", project / "cog.yaml", force=True)


def test_an_output_the_dockerignore_leaves_out_may_be_inside_the_project(tmp_path: Path) -> None:
    """Cog does not ship it, and neither does cog2fal: the one reason to allow it."""
    project = project_copy(tmp_path)
    (project / ".dockerignore").write_text("fal/\n")
    check_writable(project / "fal", project, force=False)
    with pytest.raises(GivenPathError, match="inside the Cog project"):
        check_writable(project / "other", project, force=False)


def test_an_output_inside_any_project_of_a_batch_is_refused(tmp_path: Path) -> None:
    first, second = project_copy(tmp_path, "first"), project_copy(tmp_path, "second")
    with pytest.raises(GivenPathError, match=": --out-root is inside the Cog project") as caught:
        check_outside_projects(second / "converted", [first, second], "--out-root")
    assert caught.value.file == str(second / "converted")
    check_outside_projects(tmp_path / "converted", [first, second], "--out-root")
    with pytest.raises(GivenPathError, match=f": the output folder is inside the Cog project {first}:"):
        check_outside_projects(first / "nested-fal", [first, first / "nested"])


def test_an_output_under_a_file_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    with pytest.raises(GivenPathError, match="afile is a file, not a folder") as caught:
        check_writable(tmp_path / "afile" / "out", PROJECT, force=False)
    assert caught.value.file == str(tmp_path / "afile" / "out")


# --------------------------------------------------------------------------- OS refusals


@pytest.mark.parametrize("out", ["/proc/cog2fal-out", "x" * 300])
def test_an_output_the_os_refuses_is_an_error_naming_it(tmp_path: Path, out: str) -> None:
    target = Path(out) if out.startswith("/") else tmp_path / out
    with pytest.raises(GivenPathError, match="cannot (write|use) the output folder") as caught:
        check_writable(target, PROJECT, force=False)
        write_tree({"fal_app.py": b""}, target)
    assert caught.value.file == str(target)
    assert ".cog2fal-out-" not in str(caught.value)  # the hidden staging name is never shown
    assert not hidden(tmp_path)


def test_a_name_near_the_limit_leaves_room_for_the_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / ("y" * 250)  # the file system allows 255 bytes; the staging name must fit
    write_tree({"fal_app.py": b"x = 1\n"}, out)
    assert (out / "fal_app.py").read_bytes() == b"x = 1\n"
    assert not hidden(tmp_path)


def _in_a_small_tmpfs(options: str, script: str) -> subprocess.CompletedProcess[str]:
    """`script` in a private mount namespace with a tmpfs mounted on $MNT."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("mounting a tmpfs needs root and unshare")
    probe = subprocess.run(["unshare", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"unshare --mount is not allowed here: {probe.stderr.decode().strip()}")
    wrapped = f'MNT=$(mktemp -d) && mount -t tmpfs -o {options} tmpfs "$MNT" && {script}'
    return subprocess.run(["unshare", "--mount", "sh", "-c", wrapped], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHON": sys.executable})


def test_a_full_disk_is_an_error_naming_the_output_and_nothing_stays(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    (project / "weights.bin").write_bytes(os.urandom(200_000))
    done = _in_a_small_tmpfs("size=64k", f'cd "$MNT" && "$PYTHON" -m cog2fal convert {project} --out out; '
                                         'code=$?; ls -A "$MNT"; exit $code')
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: out: cannot write the output folder: No space left on device\n"
    assert done.stdout == ""  # the tmpfs is empty: no staging folder, no half output


def test_a_read_only_file_system_is_an_error_naming_the_output(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    done = _in_a_small_tmpfs("size=64k,ro", f'cd "$MNT" && "$PYTHON" -m cog2fal convert {project} '
                                            '--out sub/out')
    assert done.returncode == 2
    assert done.stderr.startswith("error: sub/out: cannot write the output folder: Read-only file system")
    assert len(done.stderr.splitlines()) == 1


# --------------------------------------------------------------------------- signals

# Runs the CLI and stops it at a chosen point, deterministically: an audit hook (Python's own
# notification of each open() and rename) says "paused" on stderr and waits there for the test's
# signal. PAUSE_AT: "open" pauses at the first file written in the staging folder, "rename" at the
# first rename of the swap, where signals must wait until the swap is done.
HOOKED = r'''
import os, signal, sys, time
PAUSE_AT = sys.argv.pop(1)
paused = False

def pause_once():
    global paused
    paused = True
    os.write(2, b"paused\n")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if PAUSE_AT == "rename" and hasattr(signal, "sigpending") and signal.sigpending():
            return  # held until the swap is done: let it finish
        time.sleep(0.01)  # a signal's handler raises here

def staged(path):
    return "/.out-" in os.fsdecode(path) if isinstance(path, (str, bytes, os.PathLike)) else False

def hook(event, args):
    if paused:
        return
    if PAUSE_AT == "open" and event == "open" and staged(args[0]) and (
            "w" in (args[1] or "") or (args[2] or 0) & (os.O_WRONLY | os.O_RDWR)):
        pause_once()
    if PAUSE_AT == "rename" and event == "os.rename" and (staged(args[0]) or staged(args[1])):
        pause_once()

sys.addaudithook(hook)
sys.argv[0] = "cog2fal"
from cog2fal.cli import run
run()
'''


def _stopped(pause_at: str, signum: int, *args: str) -> tuple[int, str]:
    process = subprocess.Popen([sys.executable, "-c", HOOKED, pause_at, *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, preexec_fn=default_signal_handling)
    assert process.stderr is not None and process.stdout is not None
    try:
        before = ""
        while not before.endswith("paused\n"):
            line = process.stderr.readline()
            assert line, f"the CLI ended before the pause:\n{before}"
            before += line
        process.send_signal(signum)
        rest = process.stderr.read()
        process.stdout.read()
        return process.wait(timeout=60), rest
    finally:
        process.kill()
        process.wait()


SIGNALS = [signal.SIGTERM, signal.SIGINT, signal.SIGHUP]


@pytest.mark.parametrize("signum", SIGNALS, ids=lambda s: signal.Signals(s).name)
@pytest.mark.parametrize("previous", [False, True], ids=["new", "replacing"])
def test_a_signal_while_staging_leaves_no_staging_folder(tmp_path: Path, signum: int, previous: bool) -> None:
    project = project_copy(tmp_path)
    out = tmp_path / "out"
    if previous:
        out.mkdir()
        (out / "fal_app.py").write_text("old\n")
    code, stderr = _stopped("open", signum, "convert", str(project), "--out", str(out),
                            *(["--force"] if previous else []))
    assert code == 128 + signum if signum != signal.SIGINT else code == 130, stderr
    assert "Traceback" not in stderr
    assert hidden(tmp_path) == []
    if previous:
        assert [p.name for p in out.iterdir()] == ["fal_app.py"]
        assert (out / "fal_app.py").read_text() == "old\n"
    else:
        assert not out.exists()


@pytest.mark.skipif(not hasattr(signal, "sigpending"), reason="needs signal.sigpending")
@pytest.mark.parametrize("previous", [False, True], ids=["new", "replacing"])
def test_a_sigterm_during_the_swap_waits_until_the_new_output_is_in(tmp_path: Path, previous: bool) -> None:
    project = project_copy(tmp_path)
    out = tmp_path / "out"
    if previous:
        out.mkdir()
        (out / "fal_app.py").write_text("old\n")
    code, stderr = _stopped("rename", signal.SIGTERM, "convert", str(project), "--out", str(out), "--force")
    assert code == 143 and stderr == "terminated\n", stderr
    assert hidden(tmp_path) == []  # neither the staging folder nor the previous output's backup
    assert (out / "MIGRATION.md").is_file() and "class" in (out / "fal_app.py").read_text()


# --------------------------------------------------------------------------- single files


def test_files_that_would_change_need_force_and_the_same_content_does_not(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("mine\n")
    files = {tmp_path / "Dockerfile": b"FROM x\n", tmp_path / "requirements.txt": b"theirs\n"}
    with pytest.raises(GivenPathError, match="pass --force") as caught:
        check_replaceable(files, force=False)
    assert caught.value.file == str(tmp_path / "requirements.txt")
    check_replaceable(files, force=True)
    (tmp_path / "requirements.txt").write_text("theirs\n")
    check_replaceable(files, force=False)


def test_a_folder_where_a_file_goes_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").mkdir()
    with pytest.raises(GivenPathError, match="is a folder"):
        check_replaceable({tmp_path / "Dockerfile": b""}, force=True)


def test_files_are_written_whole_with_the_umask_and_no_temporary_stays(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("mine\n")
    write_files({tmp_path / "build" / "Dockerfile": b"FROM x\n", tmp_path / "requirements.txt": b"new\n"})
    assert (tmp_path / "build" / "Dockerfile").read_bytes() == b"FROM x\n"
    assert (tmp_path / "requirements.txt").read_bytes() == b"new\n"
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "requirements.txt").stat().st_mode & 0o777 == 0o666 & ~umask
    assert hidden(tmp_path) == [] and hidden(tmp_path / "build") == []


def test_a_failed_write_leaves_the_files_that_were_there(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("mine\n")
    (tmp_path / "afile").write_text("")
    with pytest.raises(GivenPathError, match="cannot write"):
        write_files({tmp_path / "requirements.txt": b"new\n", tmp_path / "afile" / "Dockerfile": b"x"})
    assert (tmp_path / "requirements.txt").read_text() == "mine\n"
    assert hidden(tmp_path) == []


# ---------------------------------------------------------------- streamed project files

PREDICTOR = ("from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n"
             "    def predict(self, x: str) -> str:\n        return x\n")


def _project(tmp_path: Path, weights: bytes) -> Path:
    root = tmp_path / "model"
    root.mkdir()
    (root / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (root / "predict.py").write_text(PREDICTOR)
    (root / "notes.txt").write_text("one\ntwo\n")
    (root / "weights.bin").write_bytes(weights)
    return root


def test_project_files_are_copied_not_held(tmp_path: Path) -> None:
    weights = os.urandom(DIFF_LIMIT) * 3 + b"end"
    root = _project(tmp_path, weights)
    conversion = convert_project(root, ConvertOptions(mode="app"))
    held = conversion.files["weights.bin"]
    assert held == CopiedFile(root / "weights.bin", len(weights))
    assert isinstance(conversion.files["notes.txt"], CopiedFile)
    assert isinstance(conversion.files["predict.py"], bytes)  # rewritten: made by cog2fal
    out = tmp_path / "out"
    write_tree(conversion.files, out)
    assert (out / "weights.bin").read_bytes() == weights
    assert (out / "notes.txt").read_text() == "one\ntwo\n"
    assert differences(conversion.files, out) == []
    assert unified_diff(conversion.files, out) == ""

    # Same size, one byte changed at the end: found by the content comparison, shown as binary.
    (out / "weights.bin").write_bytes(weights[:-1] + b"E")
    (out / "notes.txt").write_text("one\nTWO\n")
    assert differences(conversion.files, out) == ["notes.txt", "weights.bin"]
    diff = unified_diff(conversion.files, out)
    assert "Binary file weights.bin differs\n" in diff
    assert "-TWO\n+two\n" in diff  # a small text file still shows its lines
    (out / "weights.bin").write_bytes(weights + b"more")  # another size: not read at all
    assert differences(conversion.files, out) == ["notes.txt", "weights.bin"]


def test_a_large_file_costs_no_memory(tmp_path: Path) -> None:
    """`cog2fal convert` of a project with a 1 GiB (sparse) file, in a process whose address
    space is capped far below what holding the file would need, within a time limit."""
    root = tmp_path / "model"
    root.mkdir()
    (root / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (root / "predict.py").write_text(PREDICTOR)
    with open(root / "weights.bin", "wb") as handle:
        handle.truncate(2**30)
    out = tmp_path / "out"
    limit = 600 * 2**20  # a conversion needs under 300 MiB of address space; the file is 1 GiB

    def capped() -> None:  # pragma: no cover - runs in the child
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    for extra in ([], ["--check"]):
        done = subprocess.run([sys.executable, "-m", "cog2fal", "convert", str(root), "--out", str(out),
                               "--mode", "app", *extra], capture_output=True, text=True, timeout=120,
                              preexec_fn=capped)
        assert done.returncode == 0, done.stderr
    assert (out / "weights.bin").stat().st_size == 2**30
