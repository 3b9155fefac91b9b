"""Splits Dockerfile text into instructions while keeping every byte of the original.

The cleaner must keep the lines it does not touch exactly as `cog debug` printed them (TAB and
four-space continuations, `RUN  cmd` double spaces), so this is a small line-based splitter that
records where each instruction starts rather than a parser that normalises it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SYNTAX_HEADER = "#syntax=docker/dockerfile:1.4"
_SYNTAX = re.compile(r"^#\s*syntax\s*=", re.IGNORECASE)
# A name is tried once per run of name characters (the lookbehind), after the run's leading digits,
# dots and dashes: the same pairs as trying every position, in linear time (a 3 MB word in an ENV
# line took minutes when every position of it scanned to its end).
_ENV_PAIR = re.compile(
    r"""(?<![A-Za-z0-9_.-])[0-9.-]*+([A-Za-z_][A-Za-z0-9_.-]*+)="""
    r"""("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)""")


@dataclass
class Instruction:
    line: int  # 1-based line of the first physical line in the input
    text: str  # the physical lines, joined with "\n", exactly as read
    keyword: str = ""  # FROM, RUN, …; "#" for a comment; "" for a blank line
    flags: list[str] = field(default_factory=list)  # leading --flag=value options
    body: str = ""  # the rest, continuations joined with single spaces

    @property
    def is_syntax_header(self) -> bool:
        return self.keyword == "#" and bool(_SYNTAX.match(self.text.strip()))

    def flag(self, name: str) -> str | None:
        """Value of `--name=value` (the first one), e.g. flag("from") on COPY."""
        prefix = f"--{name}="
        return next((f[len(prefix):] for f in self.flags if f.startswith(prefix)), None)

    def mounts(self) -> list[dict[str, str]]:
        result = []
        for value in (f[len("--mount="):] for f in self.flags if f.startswith("--mount=")):
            result.append(dict(part.partition("=")[::2] for part in value.split(",")))
        return result


def _continues(line: str) -> bool:
    return line.rstrip().endswith("\\")


def _logical(physical: list[str]) -> str:
    """Joins continuation lines the way BuildKit does, for matching only."""
    parts = []
    for index, raw in enumerate(physical):
        line = raw.rstrip()
        if index and line.lstrip().startswith("#"):
            continue  # comment lines inside a continuation are dropped by BuildKit
        if _continues(line):
            line = line[:-1]
        parts.append(line.strip() if index else line.rstrip())
    return " ".join(part for part in parts if part)


def _split_flags(rest: str) -> tuple[list[str], str]:
    flags: list[str] = []
    rest = rest.lstrip()
    while rest.startswith("--"):
        token, _, rest = rest.partition(" ")
        flags.append(token)
        rest = rest.lstrip()
    return flags, rest


def _instruction(line: int, physical: list[str]) -> Instruction:
    text = "\n".join(physical)
    stripped = physical[0].strip()
    if not stripped:
        return Instruction(line, text)
    if stripped.startswith("#"):
        return Instruction(line, text, "#", body=stripped)
    logical = _logical(physical).strip()
    keyword, _, rest = logical.partition(" ")
    flags, body = ([], rest.strip())
    if keyword.upper() in ("RUN", "COPY", "ADD", "FROM"):
        flags, body = _split_flags(rest)
    return Instruction(line, text, keyword.upper(), flags, body.strip())


def split_instructions(text: str, first_line: int = 1) -> list[Instruction]:
    """Instructions in order; blank lines and comments come back as their own items."""
    result: list[Instruction] = []
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        start, physical = index, [lines[index]]
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#"):
            while _continues(physical[-1]) and index + 1 < len(lines):
                index += 1
                physical.append(lines[index])
        result.append(_instruction(first_line + start, physical))
        index += 1
    return result


# --------------------------------------------------------------------------- ENV helpers


def env_pairs(body: str) -> list[tuple[str, str]]:
    """`A=1 B="two words"` → [(A, "1"), (B, '"two words"')], values as written; `ENV K V` too."""
    pairs = [(m.group(1), m.group(2)) for m in _ENV_PAIR.finditer(body)]
    if not pairs and body.strip():
        name, _, value = body.strip().partition(" ")
        pairs = [(name, value.strip())]
    return pairs


def env_value(value: str) -> str:
    """Renders a value for `ENV K=V`; quotes only when Docker would otherwise split it."""
    if value and not re.search(r"""[\s"'\\]""", value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def env_line(environment: dict[str, str]) -> str:
    """Cog's one sorted `ENV` line for cog.yaml `environment`, made safe for values with spaces."""
    return "ENV " + " ".join(f"{k}={env_value(environment[k])}" for k in sorted(environment))


# --------------------------------------------------------------------------- shell helpers


_SHELL_SPACE = re.compile(r"[ \t\r\n]+")
_SHELL_PLAIN = re.compile(r"""[^ \t\r\n'"\\]+""")
_SHELL_IN_DOUBLE = re.compile(r'["\\]')
_SHELL_QUOTING = re.compile(r"""['"\\]""")


def shell_words(text: str) -> list[str]:
    """`shlex.split(text, comments=False)`, in linear time: shlex grows each word a character at
    a time (`token = token + char`), so one 3 MB word in a RUN line took minutes. ValueError for
    an unclosed quote or a final backslash, as shlex."""
    if not _SHELL_QUOTING.search(text):
        return [word for word in _SHELL_SPACE.split(text) if word]
    words: list[str] = []
    parts: list[str] = []
    in_word = False
    index, end = 0, len(text)
    while index < end:
        char = text[index]
        if char in " \t\r\n":
            if in_word:
                words.append("".join(parts))
                parts, in_word = [], False
            index = _SHELL_SPACE.match(text, index).end()  # type: ignore[union-attr]
            continue
        in_word = True
        if char == "'":
            close = text.find("'", index + 1)
            if close < 0:
                raise ValueError("No closing quotation")
            parts.append(text[index + 1:close])
            index = close + 1
        elif char == '"':
            index += 1
            while True:
                found = _SHELL_IN_DOUBLE.search(text, index)
                if found is None:
                    raise ValueError("No closing quotation")
                at = found.start()
                parts.append(text[index:at])
                if text[at] == '"':
                    index = at + 1
                    break
                if at + 1 >= end:
                    raise ValueError("No escaped character")
                escaped = text[at + 1]
                parts.append(escaped if escaped in '"\\' else "\\" + escaped)  # as shlex: \x stays
                index = at + 2
        elif char == "\\":
            if index + 1 >= end:
                raise ValueError("No escaped character")
            parts.append(text[index + 1])
            index += 2
        else:
            plain = _SHELL_PLAIN.match(text, index)
            assert plain is not None
            parts.append(plain.group())
            index = plain.end()
    if in_word:
        words.append("".join(parts))
    return words


def shell_segments(command: str) -> list[list[str]]:
    """A RUN command cut at `&&`, `||`, `;` and pipes into word lists (best effort, no expansion)."""
    segments: list[list[str]] = []
    for piece in re.split(r"&&|\|\||;|\|", command):
        try:
            words = shell_words(piece)
        except ValueError:
            words = piece.split()
        if words:
            segments.append(words)
    return segments
