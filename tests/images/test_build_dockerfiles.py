"""The classic builder's view of every container Dockerfile cog2fal writes (no engine needed).

The Docker SDK builds with the engine's classic builder, which knows no BuildKit syntax: cache
mounts are dropped (a cache changes no result), anything else BuildKit-only is refused at its line.
These Dockerfiles are checked by parsing only; the one example that is built for real is in
test_build.py.
"""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest

from cog2fal.errors import CogProjectError
from cog2fal.images.build import legacy_dockerfile
from cog2fal.images.build_app import app_dockerfile
from tests.conftest import EXAMPLES, GOLDEN

CONTAINER_APPS = sorted(p for p in [*GOLDEN.glob("*/fal_app.py"), *EXAMPLES.glob("*/fal/fal_app.py")]
                        if "DOCKERFILE = " in p.read_text(encoding="utf-8"))


def test_there_are_container_apps_to_check() -> None:
    names = {p.parent.name if p.parent.name != "fal" else p.parent.parent.name for p in CONTAINER_APPS}
    assert {"build_run_secrets", "json-query", "diffrhythm", "wan"} <= names


@pytest.mark.parametrize("app_file", CONTAINER_APPS, ids=lambda p: str(p.relative_to(p.parents[2])))
def test_each_container_dockerfile_is_built_or_refused_at_a_buildkit_line(app_file: Path) -> None:
    text, first_line = app_dockerfile(app_file)
    lines = app_file.read_text(encoding="utf-8").split("\n")
    assert lines[first_line - 1].startswith("#syntax=")  # the string's first line, where we said
    try:
        legacy = legacy_dockerfile(text, str(app_file), first_line)
    except CogProjectError as refusal:
        assert refusal.file == str(app_file)
        assert "needs BuildKit" in refusal.message
        # The line named is the app file's line holding the BuildKit-only syntax.
        named = lines[refusal.line - 1]
        assert "--mount=type=secret" in named or "--mount=type=ssh" in named
        return
    assert "--mount" not in legacy.text
    assert len(legacy.text.split("\n")) == len(text.split("\n"))  # line for line
    assert len(legacy.dropped) == text.count("--mount=type=cache")
    parsed = dockerfile.parse_string(legacy.text)
    assert all(not any(f.startswith("--mount") for f in command.flags) for command in parsed)
    assert [c.cmd for c in parsed] == [c.cmd for c in dockerfile.parse_string(text)]


def test_secret_mounts_are_refused_with_the_line() -> None:
    text = "FROM python:3.11-slim\nRUN echo hi\nRUN --mount=type=secret,id=tok cat /run/secrets/tok\n"
    with pytest.raises(CogProjectError) as refusal:
        legacy_dockerfile(text, "app/fal_app.py", 20)
    assert str(refusal.value).startswith("app/fal_app.py:22: RUN --mount=type=secret needs BuildKit")


@pytest.mark.parametrize("line, what", [
    ("COPY --chmod=755 run.sh /run.sh", "COPY/ADD --chmod"),
    ("RUN <<EOF\necho hi\nEOF", "a heredoc"),
    ("RUN --mount=type=bind,source=.,target=/ctx ls /ctx", "RUN --mount=type=bind"),
    ("RUN --network=none true", "RUN --network"),
])
def test_other_buildkit_syntax_is_refused(line: str, what: str) -> None:
    with pytest.raises(CogProjectError, match=f"^Dockerfile:2: {what} needs BuildKit"):
        legacy_dockerfile(f"FROM python:3.11-slim\n{line}\n")


def test_cache_mounts_and_link_are_dropped_and_reported() -> None:
    text = ("FROM python:3.11-slim\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install six\n"
            "COPY --link . /src\n")
    legacy = legacy_dockerfile(text)
    assert legacy.text == "FROM python:3.11-slim\nRUN pip install six\nCOPY . /src\n"
    assert legacy.dropped == ["line 2: --mount=type=cache,target=/root/.cache/pip", "line 3: --link"]


def test_an_app_without_a_dockerfile_is_not_a_container_app() -> None:
    with pytest.raises(CogProjectError, match="no DOCKERFILE string: this is not a container app"):
        app_dockerfile(EXAMPLES / "text-tools" / "fal" / "fal_app.py")
