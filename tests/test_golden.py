"""Whole-project golden tests: every fixture converted, compared with its committed output, and
that output checked the way `fal deploy` would take it.

Regenerate after an intended change: `COG2FAL_UPDATE_GOLDEN=1 pytest tests/test_golden.py`.
"""

from __future__ import annotations

import subprocess
import sys
from functools import cache

import pytest

from cog2fal.convert import ConvertOptions, convert_project
from tests.conftest import FIXTURES, GOLDEN, update_goldens
from tests.support.fal_apps import deploy_check
from tests.support.trees import read_tree, tree_differences, write_tree

NAMES = sorted(p.name for p in FIXTURES.iterdir() if (p / "cog.yaml").is_file())


@cache
def converted(name: str) -> dict[str, bytes]:
    return convert_project(FIXTURES / name, ConvertOptions()).files  # --mode auto, as users run it


@pytest.mark.parametrize("name", NAMES)
def test_output_matches_golden(name: str) -> None:
    files = converted(name)
    if update_goldens():
        write_tree(GOLDEN / name, files)
    assert (GOLDEN / name).is_dir(), "no golden output; run with COG2FAL_UPDATE_GOLDEN=1"
    assert tree_differences(read_tree(GOLDEN / name), files) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_python_file_compiles(name: str) -> None:
    for path in sorted((GOLDEN / name).rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec", dont_inherit=True)


def test_golden_apps_pass_ruff_defaults() -> None:
    apps = sorted(str(p) for p in GOLDEN.glob("*/fal_app.py"))
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", *apps],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_model_dependencies_are_absent_here() -> None:
    """The loader tests below prove apps load without the models' dependencies only if those
    dependencies are really missing from this environment."""
    for module in ("torch", "cog", "numpy"):
        done = subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True)
        assert done.returncode != 0, f"{module} is installed in the test environment"


@pytest.mark.parametrize("name", NAMES)
def test_loads_like_fal_deploy(name: str) -> None:
    result = deploy_check(GOLDEN / name / "fal_app.py")
    requirements = result["environment"].get("requirements") or []
    flat = [r for layer in requirements for r in (layer if isinstance(layer, list) else [layer])]
    assert not any(r.split("==")[0].strip().lower() in ("cog", "coglet") for r in flat)
    if "DOCKERFILE" in (GOLDEN / name / "fal_app.py").read_text():
        assert result["environment"]["kind"] == "container"
        assert not result["host"].get("app_files")
    else:
        assert result["environment"]["kind"] == "virtualenv"
        assert "cog2fal_runtime.py" in result["host"]["app_files"]


def test_converting_twice_is_byte_identical() -> None:
    for name in NAMES[:8]:
        again = convert_project(FIXTURES / name, ConvertOptions()).files
        assert again == converted(name), name
