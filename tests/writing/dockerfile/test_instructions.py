"""The splitter's helpers: the same answers as the slow ways they replace (`shlex.split`, trying
an ENV pair at every position), in time linear in a word's length."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from cog2fal.writing.dockerfile.instructions import env_pairs, shell_segments, shell_words

# The pattern env_pairs used before, tried at every position (quadratic in a word's length).
_EVERY_POSITION = re.compile(r"""([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)""")
SHELL_TEXT = st.text(alphabet=st.sampled_from(list("ab \t\r\n\"'\\#;&|=$\x0b\x00é")), max_size=24)
ENV_TEXT = st.text(alphabet=st.sampled_from(list("aZ_19.-= \"'\\\t\n!x")), max_size=24)


@settings(max_examples=2000, deadline=None, database=None)
@given(text=SHELL_TEXT)
def test_shell_words_are_shlex_split(text: str) -> None:
    try:
        expected: list[str] | None = shlex.split(text, comments=False)
    except ValueError:
        expected = None
    try:
        actual: list[str] | None = shell_words(text)
    except ValueError:
        actual = None
    assert actual == expected


@settings(max_examples=2000, deadline=None, database=None)
@given(body=ENV_TEXT)
def test_env_pairs_are_those_found_at_every_position(body: str) -> None:
    expected = [(m.group(1), m.group(2)) for m in _EVERY_POSITION.finditer(body)]
    if expected:  # (with none, `ENV NAME value`: the first word is the name)
        assert env_pairs(body) == expected


def test_a_three_megabyte_word_is_split_in_linear_time() -> None:
    word = "a" * 3_000_000
    started = time.monotonic()
    assert env_pairs(word) == [(word, "")]
    assert env_pairs(f"A={word}") == [("A", word)]
    assert env_pairs('A="' + word) == [("A", '"' + word)]
    assert shell_segments(f"echo {word}") == [["echo", word]]
    assert shell_segments(f'echo "{word}"') == [["echo", word]]
    assert shell_words("\\a" * 500_000) == ["a" * 500_000]
    assert time.monotonic() - started < 10


def test_dockerfile_from_with_a_long_word_finishes(tmp_path) -> None:
    """The whole `cog2fal dockerfile --from` path, in a process with a time limit."""
    (tmp_path / "cog.yaml").write_text('build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n')
    word = "a" * 3_000_000
    debug = tmp_path / "debug.Dockerfile"
    debug.write_text(f"FROM python:3.11\nENV {word}\nRUN echo {word}\nWORKDIR /src\n")
    command = [sys.executable, "-m", "cog2fal", "dockerfile", str(tmp_path), "--from", str(debug)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"RUN echo {word}" in done.stdout
