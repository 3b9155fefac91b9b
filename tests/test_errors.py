"""errors.py: which OS errors are the machine's doing (one line, exit 2) and which are bugs
("internal error"), and where a project's file is shown from."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from cog2fal.errors import CogProjectError, GivenPathError, from_os_error, placed


def raised(action) -> OSError:  # type: ignore[no-untyped-def]
    """A real OSError, as the OS raises it."""
    try:
        action()
    except OSError as exc:
        return exc
    raise AssertionError("the OS did not refuse")


def test_an_os_refusal_of_a_named_path_is_one_line_naming_it(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    exc = raised(lambda: (tmp_path / "afile" / "x").mkdir())
    error = from_os_error(exc)
    assert isinstance(error, CogProjectError)
    assert str(error) == f"{tmp_path / 'afile' / 'x'}: Not a directory"
    long_name = raised(lambda: (tmp_path / ("x" * 300)).write_text(""))
    assert str(from_os_error(long_name, "out", "cannot write")) == (
        f"out: cannot write: File name too long: {tmp_path / ('x' * 300)}")


def test_the_machine_s_refusal_without_a_path_is_named_by_the_caller() -> None:
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # what write() raises: no file name
    assert str(from_os_error(full, "out", "cannot write the output folder", GivenPathError)) == (
        "out: cannot write the output folder: No space left on device")
    assert str(from_os_error(full)) == "No space left on device"


def test_a_closed_pipe_and_an_unexplained_os_error_are_not_the_machine_s_doing() -> None:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        pipe = raised(lambda: os.write(writer, b"x"))
    finally:
        os.close(writer)
    assert from_os_error(pipe) is None  # click's to answer (exit 1, quietly)
    assert from_os_error(OSError("something of ours")) is None  # a bug: "internal error"
    bad_descriptor = raised(lambda: os.fstat(10_000))
    assert from_os_error(bad_descriptor) is None


@pytest.mark.parametrize(("file", "shown"), [
    ("predict.py", "pre/predict.py"),  # the project's name is a prefix of the file's: still placed
    ("pre/predict.py", "pre/predict.py"),
    ("/abs/predict.py", "/abs/predict.py"),
])
def test_a_project_file_is_shown_from_the_current_folder(tmp_path: Path, file: str, shown: str,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pre").mkdir()
    monkeypatch.chdir(tmp_path)
    assert placed(CogProjectError("bad", file, 3), Path("pre")).file == shown


def test_a_path_of_the_command_line_is_shown_as_given(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "project").mkdir()
    monkeypatch.chdir(tmp_path)
    assert placed(GivenPathError("not empty", "out"), Path("project")).file == "out"
    # an image reference is no path: its errors are already placed in the image
    assert placed(CogProjectError("bad", "predict.py"), Path("r8.im/o/m")).file == "predict.py"
