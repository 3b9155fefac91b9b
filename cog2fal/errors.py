"""The one error type the CLI turns into `file:line: message` and exit code 2, and the OS errors
that become one: a full disk or a read-only folder is the machine's doing, not a bug of ours."""

from __future__ import annotations

import errno
from pathlib import Path


class CogProjectError(Exception):
    """The Cog project cannot be read or converted; carries the place at fault."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line:
            where = f"{where}:{self.line}"
        # One line, always: multi-line parser messages are folded.
        text = " ".join(self.message.split())
        return f"{where}: {text}" if where else text


class GivenPathError(CogProjectError):
    """About a path of the command line rather than of the project (where the output goes,
    a `--from` file): shown as the user gave it, never placed inside the project."""


def placed(error: CogProjectError, model_dir: Path) -> CogProjectError:
    """The project's files are named relative to the project; shown relative to the current
    folder instead. A path of the command line is shown as given, and an image's files (the
    argument is then no path) are already placed in the image."""
    if error.file is None or isinstance(error, GivenPathError) or not model_dir.exists():
        return error
    root = model_dir.parent if model_dir.is_file() else model_dir
    path = Path(error.file)
    if not path.is_absolute() and not path.is_relative_to(root):
        return CogProjectError(error.message, str(root / path), error.line)
    return error


# Answers of the OS that say something about the machine (a full disk, a read-only mount, a
# file nobody may read) even when the OS does not say which path: the caller names it.
_MACHINE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EMFILE, errno.ENFILE,
            errno.EFBIG, errno.EACCES, errno.EPERM}


def os_error_reason(exc: OSError) -> str:
    """The OS's words for what went wrong, without the path: "No space left on device"."""
    return exc.strerror or " ".join(str(exc).split()) or type(exc).__name__


def unreadable_reason(exc: OSError | UnicodeDecodeError) -> str:
    """Why a file given to read could not be: the OS's words, or where its bytes stop being UTF-8."""
    if isinstance(exc, OSError):
        return os_error_reason(exc)
    return f"not UTF-8 text ({exc.reason} at byte {exc.start})"


def from_os_error(exc: OSError, path: str | Path | None = None, doing: str = "",
                  kind: type[CogProjectError] = CogProjectError) -> CogProjectError | None:
    """An OS error the machine caused, as one line naming the path at fault (`path`, else the
    one the OS names). None when it names no path and says nothing of the machine, or is a
    closed pipe: that is a bug of ours (or, for the pipe, click's to answer)."""
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return None
    named = exc.filename if isinstance(exc.filename, (str, Path)) else None
    if path is None and named is None and exc.errno not in _MACHINE:
        return None
    reason = os_error_reason(exc)
    if path is not None and named is not None and Path(named) != Path(path):
        reason = f"{reason}: {named}"
    return kind(f"{doing}: {reason}" if doing else reason, path if path is not None else named)
