"""Every fixture project (a `cog debug` output of one Cog era, or none) through the real tools.

Fixtures: tests/fixtures/cog_debug/<case>/ with cog.yaml, an optional cog_debug.Dockerfile written
in the exact line shapes of its era (Cog's pkg/dockerfile generator), and the golden expected.Dockerfile /
expected.requirements.txt (regenerate with COG2FAL_UPDATE_GOLDENS=1).
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import COG_RUNTIME_MARKERS, FIXTURES, UPDATE_GOLDENS, convert, hadolint, instructions

from cog2fal.writing.dockerfile import fal_container_dockerfile
from cog2fal.writing.dockerfile.clean import _runner_block
from cog2fal.writing.dockerfile.cogdebug import apt_packages
from cog2fal.writing.dockerfile.instructions import split_instructions


def _golden(path: Path, actual: str) -> None:
    if UPDATE_GOLDENS:
        if actual:
            path.write_text(actual)
        elif path.exists():
            path.unlink()
    expected = path.read_text() if path.exists() else ""
    assert actual == expected, f"{path.name} differs; rerun with COG2FAL_UPDATE_GOLDENS=1 and review"


def test_matches_golden(case: str) -> None:
    _, result = convert(case)
    _golden(FIXTURES / case / "expected.Dockerfile", result.text)
    _golden(FIXTURES / case / "expected.requirements.txt", result.requirements_txt)


def test_source_follows_input(case: str) -> None:
    _, result = convert(case)
    has_debug = (FIXTURES / case / "cog_debug.Dockerfile").exists()
    assert result.source == ("cog debug" if has_debug else "generated")


def test_deterministic(case: str) -> None:
    config, result = convert(case)
    debug = FIXTURES / case / "cog_debug.Dockerfile"
    again = fal_container_dockerfile(FIXTURES / case, config, debug.read_text() if debug.exists() else None)
    assert (again.text, again.requirements_txt, again.changes) == (
        result.text, result.requirements_txt, result.changes)


def test_parses_with_buildkit_parser(case: str) -> None:
    _, result = convert(case)
    commands = instructions(result.text)
    assert commands[0].cmd == "FROM"
    assert sum(c.cmd == "FROM" for c in commands) == 1, "one stage only"
    assert all(not c.heredocs for c in commands)
    assert "<<" not in result.text, "no heredocs (hadolint 2.15 rejects them)"
    assert result.text.endswith("\n") and not result.text.endswith("\n\n")


def test_hadolint_reports_no_errors(case: str, tmp_path: Path) -> None:
    _, result = convert(case)
    findings = hadolint(result.text, tmp_path)
    assert [f for f in findings if f["level"] == "error"] == []


def test_no_cog_runtime_left(case: str) -> None:
    _, result = convert(case)
    for marker in COG_RUNTIME_MARKERS:
        assert not marker.search(result.text), marker.pattern
    assert not re.search(r"\bcog(let)?\b", result.requirements_txt)


def test_model_environment_kept(case: str) -> None:
    config, result = convert(case)
    commands = instructions(result.text)
    runs = [" ".join(c.flags + c.value) for c in commands if c.cmd == "RUN"]
    installed = {p for c in split_instructions(result.text) for p in apt_packages(c.text)}
    assert set(config.system_packages) <= installed
    assert "curl" in installed, "fal's container rules need curl"
    if result.requirements_txt:
        assert "COPY requirements.txt /tmp/requirements.txt" in result.text
        assert any(re.search(r"pip install .*-r /tmp/requirements\.txt", r) for r in runs)
    else:
        assert "requirements.txt" not in result.text
    for item in config.run:
        mounts = [f"--mount=type=secret,id={m['id']},target={m['target']}"
                  for m in item.mounts if m.get("type") == "secret"]
        assert any(r.endswith(item.command) and all(m in r for m in mounts) for r in runs), item
    for command in config.pre_install:
        assert any(r.endswith(command) for r in runs)
    env = {k: v.strip('"') for c in commands if c.cmd == "ENV"
           for k, v in zip(c.value[::2], c.value[1::2], strict=True)}
    for name, value in config.environment.items():
        assert env.get(name) == value


def test_tail_and_fal_last(case: str) -> None:
    _, result = convert(case)
    commands = instructions(result.text)
    assert [c.original for c in commands[-4:]][:3] == ["WORKDIR /src", "COPY . /src", "ENV PYTHONPATH=/src"]
    last_run = [c for c in commands if c.cmd == "RUN"][-1]
    assert re.fullmatch(r"(python -m pip|uv run pip) install( --break-system-packages)? --no-cache-dir fal",
                        last_run.value[0]), last_run.original
    assert commands[-1] is last_run
    uses_mount = any(c.flags for c in commands) or "--link" in result.text
    assert result.text.startswith("#syntax=docker/dockerfile:1.4\n") == uses_mount


def test_every_input_line_kept_or_reported(case: str) -> None:
    """Each removed or changed line is listed in the report."""
    _, result = convert(case)
    debug = FIXTURES / case / "cog_debug.Dockerfile"
    if not debug.exists():
        assert all(c.action == "added" and c.line is None for c in result.changes
                   if not c.reason.startswith("requirements.txt"))
        return
    reported = {c.line for c in result.changes if c.line is not None}
    output = result.text.split("\n")
    text = debug.read_text()
    body, offset = _runner_block(text)  # `--separate-weights`: only the runner block is cleaned
    if offset:
        assert any(c.line == 1 and c.action == "removed" for c in result.changes)
    for ins in split_instructions(body, first_line=offset + 1):
        if not ins.text.strip():
            continue
        if ins.line in reported:
            continue
        first = ins.text.split("\n")[0]
        assert first in output, f"line {ins.line} vanished without a report entry: {first!r}"
    for change in result.changes:
        if change.line is not None and change.action in ("removed", "changed"):
            assert change.before is not None and change.before.split("\n")[0] in text.split("\n")
