"""Cleaner decisions on small hand-written inputs: mismatches, user settings, odd shapes, errors."""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig, RunCommand
from cog2fal.writing.dockerfile import DockerfileResult, clean_cog_debug

HEAD = "#syntax=docker/dockerfile:1.4\nFROM python:3.11-slim\n"
TAIL = 'WORKDIR /src\nEXPOSE 5000\nCMD ["python", "-m", "cog.server.http"]\nCOPY . /src\n'


def _clean(tmp_path: Path, body: str, **fields: object) -> DockerfileResult:
    fields.setdefault("python_version", "3.11")
    config = CogConfig(predict="predict.py:Predictor", **fields)  # type: ignore[arg-type]
    result = clean_cog_debug(HEAD + body + TAIL, tmp_path, config)
    dockerfile.parse_string(result.text)
    return result


def test_empty_or_non_dockerfile_input_is_a_located_error(tmp_path: Path) -> None:
    config = CogConfig(predict="predict.py:Predictor")
    with pytest.raises(CogProjectError, match="empty"):
        clean_cog_debug("\n", tmp_path, config, source_name="debug.txt")
    with pytest.raises(CogProjectError) as info:
        clean_cog_debug("Error: cannot connect to the Docker daemon\n", tmp_path, config,
                        source_name="debug.txt")
    assert str(info.value).startswith("debug.txt:1: no FROM instruction")


def test_curl_is_added_when_nothing_installs_it(tmp_path: Path) -> None:
    result = _clean(tmp_path, "")
    assert "apt-get install -qqy --no-install-recommends curl &&" in result.text
    assert any(c.action == "added" and "curl" in c.reason for c in result.changes)


def test_system_packages_missing_from_the_output_are_added(tmp_path: Path) -> None:
    result = _clean(tmp_path, "RUN --mount=type=cache,target=/var/cache/apt,sharing=locked apt-get update "
                    "-qq && apt-get install -qqy ffmpeg && rm -rf /var/lib/apt/lists/*\n",
                    system_packages=["ffmpeg", "sox"])
    assert "apt-get install -qqy sox &&" in result.text


def test_requirements_copy_without_requirements_is_removed(tmp_path: Path) -> None:
    body = ("COPY .cog/tmp/build1/requirements.txt /tmp/requirements.txt\n"
            "RUN --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/requirements.txt\n")
    result = _clean(tmp_path, body)
    assert "requirements" not in result.text and result.requirements_txt == ""
    assert [c.line for c in result.changes if c.action == "removed"][:2] == [3, 4]


def test_requirements_install_is_added_when_the_output_had_none(tmp_path: Path) -> None:
    result = _clean(tmp_path, "RUN echo warm\n", python_packages=["numpy==1.26.4"],
                    run=[RunCommand("echo warm")])
    lines = result.text.splitlines()
    assert lines.index("COPY requirements.txt /tmp/requirements.txt") < lines.index("RUN echo warm")


def test_user_environment_is_kept_even_with_cog_prefix_and_fixed_when_broken(tmp_path: Path) -> None:
    body = "ENV COG_WEIGHTS=https://example.com/w.tar GREETING=hello world\nENV COG_MAX_CONCURRENCY=2\n"
    result = _clean(tmp_path, body, environment={"COG_WEIGHTS": "https://example.com/w.tar",
                                                  "GREETING": "hello world"})
    assert 'ENV COG_WEIGHTS=https://example.com/w.tar GREETING="hello world"' in result.text
    assert "COG_MAX_CONCURRENCY" not in result.text


def test_other_ports_stay_exposed(tmp_path: Path) -> None:
    result = _clean(tmp_path, "EXPOSE 5000 8080/tcp\n")
    assert "EXPOSE 8080/tcp" in result.text and "5000" not in result.text


def test_user_run_installing_cog_with_other_packages_is_kept(tmp_path: Path) -> None:
    result = _clean(tmp_path, "RUN pip install cog==0.9.4 gradio==4.0.0\nRUN pip install cog==0.9.4\n")
    assert "RUN pip install cog==0.9.4 gradio==4.0.0" in result.text
    assert "RUN pip install cog==0.9.4\n" not in result.text


def test_old_syntax_header_is_upgraded(tmp_path: Path) -> None:
    text = HEAD.replace("#syntax=docker/dockerfile:1.4", "# syntax = docker/dockerfile:1.2") + \
        "RUN --mount=type=cache,target=/root/.cache/pip pip install numpy==1.26.4\n" + TAIL
    result = clean_cog_debug(text, tmp_path, CogConfig(predict="predict.py:Predictor"))
    assert result.text.startswith("#syntax=docker/dockerfile:1.4\n")
    assert any(c.action == "changed" and c.line == 1 for c in result.changes)


def test_unknown_lines_are_kept_verbatim(tmp_path: Path) -> None:
    body = "ARG HF_REVISION=main\nRUN  echo double space\nLABEL org.example=1\n"
    result = _clean(tmp_path, body)
    assert body in result.text


FUZZ_LINES = [line for p in sorted(FIXTURES.glob("*/cog_debug.Dockerfile"))
              for line in p.read_text().split("\n")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.sampled_from(FUZZ_LINES), st.text(alphabet="\\\n\t =-\"'$`#;&|<>/.:RUNFOMENVCPY"
                                                             "abc5", max_size=30)), max_size=25))
def test_fuzzed_input_never_raises_anything_but_a_located_error(tmp_path: Path, lines: list[str]) -> None:
    try:
        result = clean_cog_debug("\n".join(lines), tmp_path, CogConfig(predict="predict.py:Predictor"),
                                 source_name="fuzz")
    except CogProjectError as error:
        assert str(error).startswith("fuzz:")
        return
    assert result.text.endswith("\n")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x0b", "\x7f"])
def test_control_characters_in_cog_debug_output_are_refused_at_their_line(tmp_path: Path, char: str) -> None:
    """A NUL (or another control character) cannot be written into a Dockerfile or the app that
    inlines it: refused at its line, not carried into an app that does not compile."""
    config = CogConfig(predict="predict.py:Predictor", python_version="3.11")
    text = HEAD + f"RUN echo a{char}b\n" + TAIL
    with pytest.raises(CogProjectError) as info:
        clean_cog_debug(text, tmp_path, config, source_name="debug.txt")
    assert (info.value.file, info.value.line) == ("debug.txt", 3)
    assert "control character" in info.value.message
    assert char not in str(info.value)


def test_tabs_and_crlf_in_cog_debug_output_are_ordinary(tmp_path: Path) -> None:
    assert "echo\ta" in _clean(tmp_path, "RUN echo\ta\r\n").text
