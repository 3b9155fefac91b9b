"""cog2fal.compat.typer_private: typer's coercion without pydantic gives typer's own values and refusals,
and a typer without the private modules it relies on falls back to typer's own coercion."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main

from cog2fal import cli
from cog2fal.compat import typer_private
from tests.conftest import FIXTURES

ARGUMENTS = [
    ["convert", "a"],
    ["convert", "a", "b/", "./c//d", "--out-root", "x//y/"],
    ["convert", "a", "--out", "o", "--mode", "app", "--machine-type", "GPU-H100", "--app-name", "My App"],
    ["convert", "a", "--mode", "container", "--from", "debug.txt", "--billing-metric", "seconds"],
    ["convert", "a", "--mode", "AUTO"],
    ["convert", "a", "--mode", "bogus"],
    ["convert", "-", "--out", "-", "--app-name", ""],
    ["convert", str(FIXTURES / "hello_text"), "--out", str(FIXTURES / "hello_text" / "cog.yaml")],
    ["inspect", "m"],
    ["dockerfile", "m", "--from", "-", "--out", "Dockerfile"],
    ["verify", "m", "f", "--case", "a.json", "--case", "b.json"],
]


def _parse(args: list[str], lean: bool) -> dict | str:
    group = typer.main.get_command(cli.app)
    command = group.commands[args[0]]  # type: ignore[attr-defined]
    parent = group.context_class(group, info_name="cog2fal")
    try:
        if lean:
            typer_private.lean_coercion(command.get_params(parent))
        ctx = command.make_context(args[0], list(args[1:]), parent=parent)
    except Exception as exc:  # typer's (or click's) usage errors: compare their wording
        return f"{type(exc).__name__}: {exc.format_message() if hasattr(exc, 'format_message') else exc}"
    return ctx.params


@pytest.mark.parametrize("args", ARGUMENTS, ids=lambda a: " ".join(a)[:40])
def test_lean_option_coercion_gives_typers_values(args: list[str]) -> None:
    """lean_coercion skips pydantic; the values (and refusals) must be typer's own."""
    assert _parse(args, lean=True) == _parse(args, lean=False)


def test_the_cli_group_coerces_leanly() -> None:
    assert issubclass(typer.main.get_command(cli.app).__class__, typer_private.LeanGroup)


def test_without_typers_private_names_typer_coerces_as_always() -> None:
    """A typer whose private names moved: nothing is replaced, the CLI still parses, through
    typer's own (pydantic) coercion."""
    script = (
        "import sys, typer._coercion\n"
        "del typer._coercion.RuntimeParam\n"
        "from typer.testing import CliRunner\n"
        "from cog2fal.cli import app\n"
        f"result = CliRunner().invoke(app, ['inspect', {str(FIXTURES / 'hello_text')!r}, '--json'])\n"
        "print(result.exit_code, 'pydantic' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "0 True"
