"""Recognisers for the lines `cog debug` prints, by era.

The shapes are those of Cog's generator, pkg/dockerfile/ in https://github.com/replicate/cog
(its *_test.go golden outputs at each release tag).

Each function answers one question about one instruction, so the cleaner reads as a list of
decisions and new Cog eras only add a recogniser here.
"""

from __future__ import annotations

import re

from cog2fal.writing.dockerfile.instructions import Instruction, shell_segments

COG_BASE_PREFIX = "r8.im/cog-base:"
_COG_WHEEL = re.compile(r"(^|/)(cog|coglet)-[^/\s]*\.whl$", re.IGNORECASE)
_COG_NAME = re.compile(r"^(cog|coglet)(\[[^\]]*\])?\s*([=<>!~].*)?$", re.IGNORECASE)
_PYDANTIC_PIN = re.compile(r"^pydantic\s*[=<>!~]", re.IGNORECASE)
_REDIRECT = re.compile(r"^\d*[<>]")
_VALUE_FLAGS = {"-t", "--target", "--cache-dir", "-r", "--requirement", "-c", "--constraint",
                "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--python",
                "-p", "--prefix", "--root"}
_REQUIREMENTS = re.compile(r"(^|\s)(-r|--requirement)[=\s]+/tmp/requirements\.txt(\s|$)")
_STAGED = (".cog/tmp/", ".cog/build/")
CA_CERT = "cog-ca-cert.crt"


def stage_alias(instruction: Instruction) -> str | None:
    """`FROM python:3.10 as deps` → "deps" (Cog writes `as` in lower case, `AS` for weights)."""
    words = instruction.body.split()
    if len(words) >= 3 and words[1].lower() == "as":
        return words[2].lower()
    return None


def from_image(instruction: Instruction) -> str:
    words = instruction.body.split()
    return words[0] if words else ""


def cog_base_tag(instruction: Instruction) -> str | None:
    image = from_image(instruction)
    return image[len(COG_BASE_PREFIX):] if image.startswith(COG_BASE_PREFIX) else None


def parse_cog_base_tag(tag: str) -> tuple[str | None, str | None, str | None]:
    """`cuda12.1-python3.11-torch2.2.1` → ("12.1", "3.11", "2.2.1"); parts may be missing."""
    cuda = python = torch = None
    for part in tag.split("-"):
        if part.startswith("cuda"):
            cuda = part[4:] or None
        elif part.startswith("python"):
            python = part[6:] or None
        elif part.startswith("torch"):
            torch = part[5:] or None
    return cuda, python, torch


def copy_parts(instruction: Instruction) -> tuple[list[str], str]:
    """(sources, destination) of a COPY/ADD in its plain (non-JSON) form."""
    words = instruction.body.split()
    return (words[:-1], words[-1]) if len(words) >= 2 else (words, "")


def is_staged_copy(instruction: Instruction) -> bool:
    """A COPY of something `cog build` stages (`.cog/tmp/…`, `--from=cog_build`): gone after debug."""
    sources, _ = copy_parts(instruction)
    return instruction.flag("from") == "cog_build" or any(s.startswith(_STAGED) for s in sources)


def is_cog_wheel_copy(instruction: Instruction) -> bool:
    sources, _ = copy_parts(instruction)
    return any(_COG_WHEEL.search(s) for s in sources)


def is_ca_cert(instruction: Instruction) -> bool:
    return CA_CERT in instruction.body


def copies_requirements(instruction: Instruction) -> bool:
    _, dest = copy_parts(instruction)
    return dest == "/tmp/requirements.txt"


def is_code_copy(instruction: Instruction) -> bool:
    """Cog's own `COPY . /src` (cog2fal adds its own at the end)."""
    return not instruction.flags and instruction.body.split() in ([".", "/src"], [".", "/src/"])


def copies_from_stage(instruction: Instruction, stage: str) -> bool:
    """`COPY --from=deps …` or `RUN --mount=type=bind,from=deps,…`."""
    if instruction.flag("from") == stage:
        return True
    return any(m.get("from") == stage for m in instruction.mounts())


def installs_requirements(instruction: Instruction) -> bool:
    return instruction.keyword == "RUN" and bool(_REQUIREMENTS.search(instruction.body))


def is_config_copy(instruction: Instruction) -> bool:
    """`RUN cp /src/other.yaml /src/cog.yaml` after `cog build -f other.yaml`."""
    return bool(re.fullmatch(r"cp\s+/src/\S+\.ya?ml\s+/src/cog\.yaml", instruction.body))


def is_cog_server(instruction: Instruction) -> bool:
    body = instruction.body
    return "cog.server" in body or "coglet" in body or "cog-http-server" in body


def _positional(args: list[str]) -> list[str]:
    result, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = arg in _VALUE_FLAGS
        elif not _REDIRECT.match(arg):
            result.append(arg)
    return result


def _is_cog_target(target: str) -> bool:
    name = target.rsplit("/", 1)[-1]
    return bool(_COG_NAME.match(target) or _COG_WHEEL.search(target)) or (
        "://" in target and "coglet" in name)


def _segment_kind(words: list[str]) -> str:
    """"cog" (installs/uninstalls only Cog), "install" (anything else), "neutral" or "other"."""
    for index in range(len(words) - 1):
        if words[index] in ("pip", "pip3") and words[index + 1] in ("install", "uninstall"):
            targets = _positional(words[index + 2:])
            cog = [t for t in targets if _is_cog_target(t)]
            rest = [t for t in targets if t not in cog and not _PYDANTIC_PIN.match(t)]
            return "cog" if cog and not rest else "install"
    if words[0] in ("true", ":") or (words[0] == "find" and "strip" in words):
        return "neutral"
    return "other"


def installs_only_cog(instruction: Instruction) -> bool:
    """A RUN that installs or uninstalls Cog's SDK/coglet and nothing else (any era's shape)."""
    if instruction.keyword != "RUN":
        return False
    kinds = [_segment_kind(words) for words in shell_segments(instruction.body)]
    return "cog" in kinds and not any(kind in ("install", "other") for kind in kinds)


def apt_packages(text: str) -> list[str]:
    """Package names an instruction installs with apt-get/apt (continuations and TABs allowed)."""
    logical = re.sub(r"\\\s*\n", " ", text)
    packages: list[str] = []
    for words in shell_segments(logical):
        for index in range(len(words) - 1):
            if words[index] in ("apt-get", "apt") and words[index + 1] == "install":
                packages += [w for w in words[index + 2:] if not w.startswith("-")]
                break
    return packages


def is_user_apt_line(instruction: Instruction) -> bool:
    """Cog's B4 line for build.system_packages (not the tini or pyenv apt lines)."""
    return (instruction.keyword == "RUN"
            and instruction.body.startswith("apt-get update -qq && apt-get install -qqy ")
            and "--no-install-recommends" not in instruction.body
            and instruction.body.endswith("&& rm -rf /var/lib/apt/lists/*"))
