"""Every Python file cog2fal generates or rewrites is compiled before anything is written.

Project text is escaped on its way into generated code (pysource.py); this is the check that
the escaping held. A failure is a bug of cog2fal's, so it is an internal error naming the file,
raised while the output is still in memory: nothing is written.
"""

from __future__ import annotations

import warnings


class GeneratedCodeError(Exception):
    """cog2fal produced Python that does not compile."""


def compiles(code: str | bytes, name: str) -> bool:
    try:
        _compile(code, name)
    except (SyntaxError, ValueError):
        return False
    return True


def check_compiles(code: str | bytes, name: str) -> None:
    try:
        _compile(code, name)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        reason = getattr(exc, "msg", None) or str(exc)
        where = f"{name}:{line}" if line else name
        raise GeneratedCodeError(f"{where}: cog2fal generated Python that does not compile "
                                 f"({reason})") from None


def _compile(code: str | bytes, name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntaxWarning)  # an invalid escape: tomorrow's error
        compile(code, name, "exec", dont_inherit=True)
