"""Typer's parameter coercion without pydantic: the only place cog2fal uses typer's private modules.

Typer 0.2x coerces every parameter value through a pydantic TypeAdapter, and importing pydantic
for that costs tens of milliseconds on every command (benchmarks/bench_one.py). cog2fal's
parameters are paths, lists of paths, strings and one enum: their values are coerced here with
the pydantic-free helpers typer's adapters call, to the same values. Anything else, and every
value typer would refuse, still goes through typer's own adapter, so its error wording stands.

Proven on typer 0.29 (`typer._coercion`, `typer._param_types`; pyproject caps typer below 0.30).
On a typer without those modules nothing is replaced and typer coerces as it always did;
tests/compat/test_typer_private.py compares the two paths value for value and error for error.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

from typer.core import TyperGroup


def lean_coercion(params: list[Any]) -> None:
    """Gives each typer parameter of `params` the pydantic-free coercion, where typer has one."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer._param_types import coerce_cli_choice, coerce_cli_path
    except ImportError:  # older typer: no pydantic coercion to avoid
        return

    class Lean(RuntimeParam):
        def _coerce_value(self, value, param, ctx):  # type: ignore[no-untyped-def]
            annotation, info = self.annotation, self.parameter_info
            plain_path = info.parser is None and info.path_type is None
            if annotation is Path and plain_path and isinstance(value, str):
                return Path(coerce_cli_path(value, info, path_type=str, param=param, ctx=ctx))
            if annotation == list[Path] and plain_path and isinstance(value, (list, tuple)) and \
                    all(isinstance(item, str) for item in value):
                return [Path(coerce_cli_path(item, info, path_type=str, param=param, ctx=ctx))
                        for item in value]
            if annotation is str and info.parser is None and isinstance(value, str):
                return value
            if isinstance(annotation, type) and issubclass(annotation, Enum) and info.parser is None:
                try:
                    return coerce_cli_choice(value, choices=list(annotation),
                                             case_sensitive=info.case_sensitive, ctx=ctx)
                except ValueError:
                    pass  # typer words the error
            return build_runtime_param(param.type_descriptor)._coerce_value(value, param=param, ctx=ctx)

    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", "") is not None:
            continue
        try:
            param._runtime_param = Lean(parameter_info=descriptor.parameter_info,
                                        annotation=descriptor.annotation)
        except TypeError:  # pragma: no cover - a typer whose RuntimeParam takes other fields
            return


class LeanGroup(TyperGroup):
    """Typer's group, with the group's and the chosen command's parameters coerced leanly."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        lean_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx, args):  # type: ignore[no-untyped-def]
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            lean_coercion(command.get_params(ctx))
        return name, command, rest
