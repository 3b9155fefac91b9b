"""Converting is static and light: the CLI imports neither fal, torch, cog nor docker (nor pydantic,
which typer would pull in only to coerce option values), in a real process and in process."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

FORBIDDEN = ("fal", "torch", "cog", "docker")
# Projects whose code imports torch, fal-looking names, cog and its submodules.
PROJECTS = ["hello_text", "numpy_stats", "train_class", "build_run_secrets", "legacy_2021_model"]


def _top_levels(modules: list[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def _imported_by_importtime(stderr: str) -> list[str]:
    names = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.append(name)
    return names


@pytest.mark.parametrize("name", PROJECTS)
def test_convert_imports_no_fal_torch_cog(name: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cog2fal", "convert", str(FIXTURES / name),
         "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = _imported_by_importtime(done.stderr)
    assert "libcst" in _top_levels(imported)  # the parse really happened in this process
    assert not _top_levels(imported) & {*FORBIDDEN, "pydantic"}, sorted(
        m for m in imported if m.split(".")[0] in {*FORBIDDEN, "pydantic"})


def test_cli_runner_in_process_imports_no_fal_torch_cog(tmp_path: Path) -> None:
    """Every fixture through typer's CliRunner in one fresh interpreter, then `sys.modules`."""
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from typer.testing import CliRunner
        from cog2fal.cli import app
        runner = CliRunner()
        root = Path({str(tmp_path)!r})
        for index, project in enumerate(sorted(Path({str(FIXTURES)!r}).iterdir())):
            if not (project / "cog.yaml").is_file():
                continue
            result = runner.invoke(app, ["convert", str(project), "--out", str(root / str(index))])
            assert result.exit_code == 0, (project, result.output)
        print(json.dumps(sorted(sys.modules)))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    modules = __import__("json").loads(done.stdout.strip().splitlines()[-1])
    assert "libcst" in modules
    assert not _top_levels(modules) & set(FORBIDDEN), sorted(
        m for m in modules if m.split(".")[0] in FORBIDDEN)
