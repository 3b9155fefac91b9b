"""Which module a failed import was missing: shared by the subprocesses verify starts."""

from __future__ import annotations


def missing_module(exc: BaseException | None) -> str | None:
    """The name of the module whose absence caused `exc`, following the causes and contexts
    (a model's setup() often wraps the ImportError in its own exception)."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            return exc.name
        exc = exc.__cause__ or exc.__context__
    return None
