"""Splits Dockerfile text into instructions while keeping every byte of the original.

The cleaner must keep the lines it does not touch exactly as `cog debug` printed them (TAB and
four-space continuations, `RUN  cmd` double spaces), so this is a small line-based splitter that
records where each instruction starts rather than a parser that normalises it.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

SYNTAX_HEADER = "#syntax=docker/dockerfile:1.4"
_SYNTAX = re.compile(r"^#\s*syntax\s*=", re.IGNORECASE)
_ENV_PAIR = re.compile(r"""([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|(?:[^\s\\]|\\.)*)""")


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


def shell_segments(command: str) -> list[list[str]]:
    """A RUN command cut at `&&`, `||`, `;` and pipes into word lists (best effort, no expansion)."""
    segments: list[list[str]] = []
    for piece in re.split(r"&&|\|\||;|\|", command):
        try:
            words = shlex.split(piece, comments=False)
        except ValueError:
            words = piece.split()
        if words:
            segments.append(words)
    return segments
