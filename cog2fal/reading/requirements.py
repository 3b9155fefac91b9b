"""Python requirements of a Cog project, as fal's `requirements` list wants them.

Lines are parsed with `packaging` (PEP 508); pip's option lines are kept as items, `-r` files
are expanded (fal has no file to point at), and Cog's own packages are dropped.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig, Finding, Location
from cog2fal.reading.project_paths import missing_file_hint, project_path

COG_RUNTIME = {"cog", "coglet"}
FAL_PINNED = {"pydantic", "fastapi"}  # fal pins these to the deploying machine's versions
_OPTION_WITH_VALUE = re.compile(r"^(--extra-index-url|--index-url|-i|--find-links|-f|--trusted-host|--pre)\b")
_COMMENT = re.compile(r"(^|\s)#.*$")
# `scheme://userinfo@host`: the user-info part of a URL (a token, or user:password).
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<userinfo>[^/@\s]+)@")
_ENV_REFERENCE = re.compile(r"^(\$\{[A-Za-z_][A-Za-z0-9_]*\}:?)+$")  # pip expands ${TOKEN}


@dataclass
class RequirementLine:
    text: str
    name: str | None  # canonical project name; None for option lines and bare URLs
    location: Location
    requirement: Requirement | None = None

    @property
    def pinned_version(self) -> str | None:
        if self.requirement is None:
            return None
        specs = list(self.requirement.specifier)
        if len(specs) == 1 and specs[0].operator in ("==", "==="):
            return specs[0].version.split("+", 1)[0]
        return None


@dataclass
class Requirements:
    lines: list[RequirementLine] = field(default_factory=list)
    removed: list[Finding] = field(default_factory=list)

    @property
    def items(self) -> list[str]:
        return [line.text for line in self.lines]

    def find(self, name: str) -> RequirementLine | None:
        wanted = canonicalize_name(name)
        return next((line for line in self.lines if line.name == wanted), None)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Joins backslash continuations and drops comments, keeping the first line number."""
    result: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        line = _COMMENT.sub("", pending + raw).strip()
        pending = ""
        if line:
            result.append((start, line))
    if pending.strip():
        result.append((start, _COMMENT.sub("", pending).strip()))
    return result


def _parse_line(text: str, location: Location) -> RequirementLine:
    if text.startswith("-") or "://" in text.split(" @ ")[0] and " @ " not in text:
        return RequirementLine(" ".join(text.split()), None, location)
    try:
        req = Requirement(text)
    except InvalidRequirement as exc:
        raise CogProjectError(f"invalid requirement {text!r}: {exc}", location.file, location.line) from None
    return RequirementLine(text, canonicalize_name(req.name), location, req)


def read_requirements(root: Path, config: CogConfig) -> Requirements:
    """Everything `cog build` would pip-install, with Cog's runtime removed and reported."""
    result = Requirements()
    sources: list[tuple[int, str, str]] = []  # (line, text, file)
    if config.python_requirements:
        sources.extend(_read_file(root, config.python_requirements, config, set(),
                                  (config.path, config.line_of("build.python_requirements"))))
    for text in config.python_packages:
        line = config.line_of("build.python_packages") or config.line_of(
            "environment.python_packages") or 1
        for part in _split_package_item(text):
            sources.append((line, part, config.path))
    for line, text, file in sources:
        location = Location(file, line)
        masked = _masked_credentials(text)
        if masked is not None:
            result.removed.append(Finding(
                Code.CREDENTIALS_IN_REQUIREMENTS,
                f"`{masked}` carries credentials in its URL: it is not copied into the app; "
                "store the token as a fal secret (`fal secrets set`) and install from it at run "
                "time, or pass it as a build secret in container mode", location))
            continue
        if text.startswith("-e ") or text in ("-e .", "."):
            result.removed.append(Finding(
                Code.EDITABLE_INSTALL,
                f"editable install `{text}` dropped; the project's code ships as files",
                location))
            continue
        parsed = _parse_line(text, location)
        if parsed.name in COG_RUNTIME:
            result.removed.append(Finding(
                Code.COG_REQUIREMENT, f"`{text}` removed: the fal app does not need Cog's runtime",
                location))
            continue
        if parsed.name in FAL_PINNED and parsed.requirement is not None and parsed.requirement.specifier:
            result.removed.append(Finding(
                Code.FAL_PINNED_REQUIREMENT,
                f"`{text}` removed: fal pins {parsed.name} to the deploying machine's "
                f"version; check the model works with pydantic 2", location))
            continue
        result.lines.append(parsed)
    return result


def _masked_credentials(text: str) -> str | None:
    """`text` with the user-info of its URLs masked, when one carries credentials (a password,
    or a token as the user name of an http(s) URL); None when there are none. `git@` over ssh is
    a user name, not a secret, and `${TOKEN}` is expanded from the environment, not written out."""
    found = False

    def mask(match: re.Match[str]) -> str:
        nonlocal found
        userinfo, scheme = match.group("userinfo"), match.group("scheme").lower()
        if _ENV_REFERENCE.match(userinfo) or (":" not in userinfo and "http" not in scheme):
            return match.group()
        found = True
        return f"{match.group('scheme')}://***@"

    masked = _USERINFO.sub(mask, text)
    return masked if found else None


def _split_package_item(text: str) -> list[str]:
    """`--extra-index-url URL` arrives as one list item; a few people put two specs on one line."""
    text = text.strip()
    if _OPTION_WITH_VALUE.match(text) or text.startswith("-"):
        return [" ".join(text.split())]
    return [text]


# pip reads a requirements file by its byte-order mark; without one, as UTF-8 (here).
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _decode(data: bytes, display: str) -> str:
    encoding, body = "utf-8", data
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, body = name, data[len(bom):]
            break
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        line = body[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise CogProjectError(f"requirements file is not {encoding.upper()} text", display, line) from None


def _read_file(root: Path, relative: str, config: CogConfig, seen: set[Path],
               where: tuple[str, int | None]) -> list[tuple[int, str, str]]:
    """The requirement lines of a file and of the files it includes; `where` is the place that
    names the file (cog.yaml's python_requirements, or an including `-r` line)."""
    relative = project_path(root, relative, "requirements file", where)
    display = relative
    try:
        path = (root / relative).resolve()
        if path in seen:
            return []
        seen.add(path)
        if not stat.S_ISREG(mode := path.stat().st_mode) and not stat.S_ISDIR(mode):
            raise CogProjectError(f"requirements file {relative!r} is a FIFO, socket or device, "
                                  "not a file: not read", *where)
        data = path.read_bytes()
    except FileNotFoundError:
        raise CogProjectError(f"requirements file {relative!r} does not exist"
                              f"{missing_file_hint(root, relative)}", *where) from None
    except (OSError, ValueError, RuntimeError) as exc:  # a folder, a NUL in the name, a symlink loop
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CogProjectError(f"cannot read requirements file {relative!r}: {reason}", *where) from None
    text = _decode(data, display)
    items: list[tuple[int, str, str]] = []
    folder = posixpath.dirname(relative)
    for number, line in _logical_lines(text):
        if line.startswith(("-r", "--requirement")):
            include = re.sub(r"^(-r|--requirement)[=\s]*", "", line).strip()
            nested = project_path(root, include, "included requirements file", (display, number), folder)
            items.extend(_read_file(root, nested, config, seen, (display, number)))
        elif line.startswith(("-c", "--constraint")):  # not installed, but never outside the project
            constraints = re.sub(r"^(-c|--constraint)[=\s]*", "", line).strip()
            project_path(root, constraints, "constraints file", (display, number), folder)
        else:
            items.append((number, line, display))
    return items
