"""Cleans the Dockerfile `cog debug` printed (any era) into one fit for fal's ContainerImage.

Keeps the model's environment exactly as Cog printed it and removes what only Cog's runtime
needs (Cog's wheel, coglet and their pins). Decisions the era shapes leave open:
- two-stage era (0.9-0.13): the `deps` stage is dropped; its apt line moves into the final stage
  and the requirements are installed there directly (`-t /dep` dropped), where the stage's
  packages used to be copied in;
- `r8.im/cog-base` images are replaced by a public base (see `blocks.base_lines`), and the apt
  line gets back the system packages Cog left out because the base had them;
- the tini block stays (it installs curl, which fal requires); its ENTRYPOINT is harmless.
Every removed, changed or added line is recorded for the report.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig
from cog2fal.reading.requirements import Requirements, read_requirements
from cog2fal.writing.dockerfile import blocks, cogdebug, compat
from cog2fal.writing.dockerfile.instructions import (
    SYNTAX_HEADER,
    Instruction,
    env_line,
    env_pairs,
    split_instructions,
)
from cog2fal.writing.dockerfile.requirements_txt import build_requirements
from cog2fal.writing.dockerfile.result import Action, DockerfileChange, DockerfileResult

_RUNNER_BLOCK = "=== Runner Dockerfile contents:"
_DEPS_FLAG = re.compile(r"\s-t\s+/dep(?=\s)")
_CA_ENV = ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")

# Control characters other than TAB and line ends: no Dockerfile holds them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class _Out:
    """An output line and, when it came from the input, where (for the report if it goes later)."""

    text: str
    line: int | None = None
    original: str | None = None


def _runner_block(text: str) -> tuple[str, int]:
    """`cog debug --separate-weights` prints three blocks; the runner Dockerfile is the one to clean."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if line.strip() == _RUNNER_BLOCK:
            end = next((j for j in range(index + 1, len(lines)) if lines[j].startswith("===")),
                       len(lines))
            return "\n".join(lines[index + 1:end]), index + 1
    return text, 0


def _stages(instructions: list[Instruction]) -> list[tuple[Instruction | None, list[Instruction]]]:
    """[(FROM, its instructions)], with (None, header lines) first."""
    stages: list[tuple[Instruction | None, list[Instruction]]] = [(None, [])]
    for instruction in instructions:
        if instruction.keyword == "FROM":
            stages.append((instruction, []))
        else:
            stages[-1][1].append(instruction)
    return stages


def _words(text: str) -> str:
    return " ".join(text.replace("\\\n", " ").split())


class _Cleaner:
    def __init__(self, config: CogConfig, requirements: Requirements):
        self.config = config
        self.requirements = build_requirements(requirements, config)
        self.out: list[_Out] = []
        self.moved: list[_Out] = []  # deps-stage lines waiting for the final stage
        self.changes: list[DockerfileChange] = []
        self.suffix = ""  # appended to reasons while the deps stage is processed
        self.header: Instruction | None = None
        self.base: blocks.Base | None = None  # set when a cog-base image was replaced
        self.base_end = 0  # index in `out` just after the final FROM (and its replacement block)
        self.requirements_copied = False
        self.env_seen = False
        self.ca_cert = False
        self.break_system_packages = False

    # ------------------------------------------------------------------ report helpers

    def note(self, action: Action, instruction: Instruction | None, after: str | None, reason: str) -> None:
        before = instruction.text if instruction is not None else None
        line = instruction.line if instruction is not None else None
        suffix = self.suffix if action == "changed" else ""
        self.changes.append(DockerfileChange(action, line, before, after, reason + suffix))

    def remove(self, instruction: Instruction, reason: str) -> list[_Out]:
        self.note("removed", instruction, None, reason)
        return []

    def change(self, instruction: Instruction, text: str, reason: str) -> list[_Out]:
        self.note("changed", instruction, text, reason)
        return [_Out(text, instruction.line, instruction.text)]

    def rewrite(self, instruction: Instruction, text: str, reason: str) -> list[_Out]:
        """`change` when the rewrite did something, else `keep`."""
        if text == instruction.text:
            return self.keep(instruction)
        return self.change(instruction, text, reason)

    @staticmethod
    def keep(instruction: Instruction) -> list[_Out]:
        return [_Out(instruction.text, instruction.line, instruction.text)]

    def insert(self, index: int, lines: list[blocks.Line]) -> None:
        for offset, line in enumerate(lines):
            self.out.insert(index + offset, _Out(line.text))
            self.changes.append(DockerfileChange("added", None, None, line.text, line.reason))

    # ------------------------------------------------------------------ stages

    def run(self, text: str, source_name: str) -> DockerfileResult:
        body, offset = _runner_block(text)
        if offset:
            self.report_other_blocks(text)
        instructions = split_instructions(body, first_line=offset + 1)
        self.break_system_packages = "--break-system-packages" in body
        stages = _stages(instructions)
        if len(stages) == 1:
            raise CogProjectError("no FROM instruction: this is not a Dockerfile printed by `cog debug`",
                                  source_name, 1)
        for index, (start, items) in enumerate(stages):
            if start is None:
                self.out += [o for item in items for o in self.header_line(item)]
            elif index == len(stages) - 1:
                self.final_stage(start, items)
            elif cogdebug.stage_alias(start) == "deps":
                self.deps_stage(start, items)
            elif cogdebug.stage_alias(start) == "weights":
                self.remove(start, "weights image of `cog build --separate-weights`; the model "
                            "folder is copied whole at the end")
                self.out += [o for item in items for o in self.rule(item)]
            else:
                self.out += self.keep(start) + [o for item in items for o in self.keep(item)]
        self.finish()
        return DockerfileResult("\n".join(o.text for o in self.out) + "\n", self.requirements.text,
                                self.changes + self.requirements.changes, "cog debug")

    def report_other_blocks(self, text: str) -> None:
        """`--separate-weights` output: the weights Dockerfile and .dockerignore are not used."""
        for number, line in enumerate(text.split("\n"), start=1):
            if line.startswith("=== ") and line.strip() != _RUNNER_BLOCK:
                self.changes.append(DockerfileChange(
                    "removed", number, line, None,
                    "block of `cog debug --separate-weights` other than the runner Dockerfile: "
                    "the weights reach the image with the model folder (COPY . /src)"))

    def header_line(self, instruction: Instruction) -> list[_Out]:
        if instruction.is_syntax_header:
            self.header = instruction
            return []  # written again in finish(), only if the Dockerfile still needs it
        return self.keep(instruction)

    def deps_stage(self, start: Instruction, items: list[Instruction]) -> None:
        self.remove(start, "the deps stage only pre-built packages for the final stage; they are "
                    "installed there directly now")
        self.suffix = "; moved from the deps stage into the final stage"
        kept: list[_Out] = []
        for item in items:
            outs = self.rule(item, deps=True)
            if outs and outs[0].text == item.text and item.keyword not in ("", "#"):
                self.note("changed", item, item.text, "the deps stage held it (Cog 0.9-0.13)")
            kept += outs
        self.suffix = ""
        self.moved = self.without_orphan_cflags(kept)

    def final_stage(self, start: Instruction, items: list[Instruction]) -> None:
        tag = cogdebug.cog_base_tag(start)
        if tag is not None:
            self.replace_cog_base(start, tag)
        else:
            self.out += self.keep(start)
        self.base_end = len(self.out)
        for item in items:
            if cogdebug.copies_from_stage(item, "deps"):
                self.remove(item, "copied the deps stage's packages in; requirements are installed "
                            "directly instead")
                self.out += self.moved
                self.moved = []
            else:
                self.out += self.rule(item)
        if self.moved:  # no copy-in line: put them where Cog installs requirements
            point = self.install_point()
            self.out[point:point] = self.moved
            self.moved = []

    def replace_cog_base(self, start: Instruction, tag: str) -> None:
        cuda, python, _ = cogdebug.parse_cog_base_tag(tag)
        config = dataclasses.replace(self.config, gpu=bool(cuda))
        cuda_from = None
        if cuda:  # keep cog.yaml's full CUDA (12.1.1) when it matches the tag's (12.1)
            full = config.cuda if compat.major_minor(config.cuda or "") == cuda else cuda
            cuda_from = (full, "the cog-base tag")
        version = python or blocks.python_version(config)[0]
        self.base = blocks.choose_base(config, None, version, cuda_from)
        lines = blocks.base_lines(self.base)
        self.out.append(_Out(lines[0].text, start.line, start.text))
        self.note("changed", start, lines[0].text,
                  f"r8.im/cog-base images live on Replicate's registry: replaced by a public base "
                  f"with the same CUDA and Python ({lines[0].reason}); cog-base also had torch, "
                  "torchvision, torchaudio and opencv-python preinstalled: now only what "
                  "requirements.txt lists is installed")
        self.insert(len(self.out), lines[1:])

    # ------------------------------------------------------------------ one instruction

    def rule(self, ins: Instruction, deps: bool = False) -> list[_Out]:
        """The decision for one instruction: keep, remove or rewrite (with the reason)."""
        if ins.keyword in ("", "#"):
            return self.keep(ins)
        handler = {"COPY": self.copy_rule, "ADD": self.copy_rule, "RUN": self.run_rule,
                   "ENV": self.env_rule}.get(ins.keyword)
        if handler is not None:
            return handler(ins, deps)
        if ins.keyword in ("CMD", "ENTRYPOINT") and cogdebug.is_cog_server(ins):
            return self.remove(ins, "starts Cog's HTTP server; fal serves the app itself")
        if ins.keyword == "EXPOSE":
            return self.expose_rule(ins)
        if ins.keyword == "WORKDIR" and ins.body == "/src":
            return self.remove(ins, "Cog's tail; cog2fal sets WORKDIR /src again at the end")
        return self.keep(ins)

    def copy_rule(self, ins: Instruction, deps: bool) -> list[_Out]:
        if ins.flag("from") == "weights":
            return self.remove(ins, "weights layer of `--separate-weights`; the model folder is "
                               "copied whole at the end")
        if cogdebug.copies_requirements(ins):
            return self.requirements_copy(ins)
        if cogdebug.is_cog_wheel_copy(ins):
            return self.remove(ins, "Cog's SDK wheel: Cog runtime")
        if cogdebug.is_ca_cert(ins):
            self.ca_cert = True
            return self.remove(ins, "CA certificate of the machine that ran `cog build` (COG_CA_CERT)")
        if cogdebug.is_staged_copy(ins):
            return self.remove(ins, "file staged by `cog build` and deleted when `cog debug` exits "
                               "(local wheels must be listed in requirements as URLs or shipped)")
        if cogdebug.is_code_copy(ins):
            return self.remove(ins, "Cog's code copy; cog2fal copies the model folder at the end")
        if (self.base is not None and self.base.gpu and "astral-sh/uv" in (ins.flag("from") or "")):
            return self.remove(ins, "uv is already installed by the replacement base")
        return self.keep(ins)

    def requirements_copy(self, ins: Instruction) -> list[_Out]:
        if not self.requirements.text:
            return self.remove(ins, "cog.yaml has no Python requirements left after removing Cog's own")
        self.requirements_copied = True
        if ins.text == blocks.REQUIREMENTS_COPY:
            return self.keep(ins)
        return self.change(ins, blocks.REQUIREMENTS_COPY,
                           "requirements.txt regenerated from cog.yaml into the build context "
                           "(Cog's staged copy is deleted when `cog debug` exits)")

    def run_rule(self, ins: Instruction, deps: bool) -> list[_Out]:
        if cogdebug.installs_requirements(ins):
            if not self.requirements.text:
                return self.remove(ins, "cog.yaml has no Python requirements left after removing Cog's own")
            if deps:
                return self.rewrite(ins, _DEPS_FLAG.sub("", ins.text),
                                    "installs into the image's Python instead of /dep")
            if self.base is not None and self.base.gpu:
                return self.rewrite(ins, ins.text.replace("uv run pip install", "pip install"),
                                    "the replacement base's Python is the venv on PATH")
            return self.keep(ins)
        if cogdebug.installs_only_cog(ins):
            return self.remove(ins, "installs or uninstalls Cog's SDK/coglet (with its pydantic pin): "
                               "Cog runtime")
        if cogdebug.is_config_copy(ins):
            return self.remove(ins, "copies the `-f` config to cog.yaml for Cog's runtime")
        if cogdebug.is_ca_cert(ins):
            return self.remove(ins, "installs the CA certificate of the machine that ran `cog build`")
        if self.base is not None and cogdebug.is_user_apt_line(ins):
            return self.cog_base_apt(ins)
        return self.keep(ins)

    def cog_base_apt(self, ins: Instruction) -> list[_Out]:
        packages = self.config.system_packages
        if not packages:
            return self.remove(ins, "installs nothing (cog-base filtered out every package)")
        text = blocks.apt_line(packages)
        if text == ins.text:
            return self.keep(ins)
        return self.change(ins, text, "re-adds the system packages Cog left out because "
                           "r8.im/cog-base already had them")

    def env_rule(self, ins: Instruction, deps: bool) -> list[_Out]:
        pairs = env_pairs(ins.body)
        names = [name for name, _ in pairs]
        drop = [name for name in names if self.cog_env(name)]
        if drop:
            kept = [f"{name}={value}" for name, value in pairs if name not in drop]
            why = ("CA certificate settings of the machine that ran `cog build`"
                   if set(drop) <= set(_CA_ENV) else "Cog runtime setting (COG_*/R8_*)")
            if not kept:
                return self.remove(ins, why)
            return self.change(ins, "ENV " + " ".join(kept), why)
        if self.config.environment and set(names) == set(self.config.environment):
            self.env_seen = True
            text = env_line(self.config.environment)
            if text != ins.text:
                return self.change(ins, text, "cog.yaml `environment`, values quoted where needed")
        return self.keep(ins)

    def cog_env(self, name: str) -> bool:
        if name in self.config.environment:
            return False  # the user's own setting (e.g. COG_WEIGHTS) stays
        return name.startswith(("COG_", "R8_")) or (self.ca_cert and name in _CA_ENV)

    def expose_rule(self, ins: Instruction) -> list[_Out]:
        ports = [p for p in ins.body.split() if p.split("/")[0] != "5000"]
        if not ports:
            return self.remove(ins, "Cog's HTTP port; fal serves the app itself")
        return self.change(ins, "EXPOSE " + " ".join(ports), "Cog's HTTP port removed")

    # ------------------------------------------------------------------ after all lines

    def is_run_item(self, text: str) -> bool:
        commands = [item.command for item in self.config.run] + list(self.config.pre_install)
        words = _words(text)
        return text.startswith("RUN") and any(
            words.endswith(_words(cmd)) for cmd in commands if cmd.strip())

    def install_point(self) -> int:
        """Where Cog installs requirements: before ldconfig / the first `run` item, else at the end."""
        for index, out in enumerate(self.out[self.base_end:], start=self.base_end):
            if out.text == blocks.LDCONFIG or self.is_run_item(out.text):
                return index
        return len(self.out)

    def anchor(self) -> int:
        """Just after the final FROM's setup (preamble ENVs, tini block)."""
        index = self.base_end
        while index < len(self.out) and (
                self.out[index].text in blocks.PREAMBLE or "tini" in self.out[index].text):
            index += 1
        return index

    def finish(self) -> None:
        self.out = self.without_orphan_cflags(self.out)
        if self.requirements.text and not self.requirements_copied:
            why = "requirements regenerated from cog.yaml (the cog debug output had no install step)"
            self.insert(self.install_point(), [blocks.Line(blocks.REQUIREMENTS_COPY, why),
                                               blocks.Line(blocks.REQUIREMENTS_RUN, why)])
        self.ensure_system_packages()
        if self.config.environment and not self.env_seen:
            self.insert(self.anchor(), [blocks.Line(env_line(self.config.environment),
                                                    "cog.yaml `environment`")])
        if not self.installs("curl"):
            self.insert(self.anchor(), [blocks.Line(blocks.apt_line(["curl"], no_recommends=True),
                                                    "fal's container rules need curl")])
        self.insert(len(self.out), blocks.tail_lines(self.installer()))
        self.write_header()

    def without_orphan_cflags(self, outs: list[_Out]) -> list[_Out]:
        """Cog's `ENV CFLAGS=…` / `ENV CFLAGS=` pair is noise once the install between them is gone."""
        outs, index = list(outs), 0
        while index + 1 < len(outs):
            first, second = outs[index], outs[index + 1]
            if first.text.startswith("ENV CFLAGS=") and first.text != "ENV CFLAGS=" \
                    and second.text == "ENV CFLAGS=":
                for out in (first, second):
                    self.changes = [c for c in self.changes if out.line is None or c.line != out.line]
                    self.changes.append(DockerfileChange(
                        "removed", out.line, out.original, None,
                        "Cog's CFLAGS wrapper around an install that was removed"))
                del outs[index:index + 2]
                index = max(index - 1, 0)
            else:
                index += 1
        return outs

    def installs(self, package: str) -> bool:
        return any(package in cogdebug.apt_packages(out.text) for out in self.out)

    def ensure_system_packages(self) -> None:
        missing = [p for p in self.config.system_packages if not self.installs(p)]
        if missing:
            self.insert(self.anchor(), [blocks.Line(
                blocks.apt_line(missing), "build.system_packages missing from the cog debug output")])

    def installer(self) -> str:
        """The image's own pip: `uv run pip install` on uv-built images, else `python -m pip install`."""
        texts = [out.text for out in self.out]
        uv_built = any("uv run pip install" in t for t in texts) or (
            any("astral-sh/uv" in t for t in texts) and not (self.base and self.base.gpu))
        if not uv_built:
            return "python -m pip install"
        return "uv run pip install" + (" --break-system-packages" if self.break_system_packages else "")

    def write_header(self) -> None:
        needed = any("--mount=" in out.text or "--link" in out.text for out in self.out)
        old = self.header
        if needed:
            self.out.insert(0, _Out(SYNTAX_HEADER, old.line if old else None, old.text if old else None))
            if old is None:
                self.changes.append(DockerfileChange("added", None, None, SYNTAX_HEADER,
                                                     "BuildKit syntax for --mount"))
            elif old.text != SYNTAX_HEADER:
                self.note("changed", old, SYNTAX_HEADER, "BuildKit syntax 1.4 for --mount/--link")
        elif old is not None:
            self.note("removed", old, None, "no --mount left that needs the BuildKit syntax line")


def clean_cog_debug(text: str, root: Path, config: CogConfig, *, source_name: str = "cog debug",
                    requirements: Requirements | None = None) -> DockerfileResult:
    """Cleans `cog debug` output of any Cog era into a Dockerfile for fal's ContainerImage.
    `requirements` are the project's, when the caller has read them already."""
    if not text.strip():
        raise CogProjectError("the cog debug output is empty", source_name, 1)
    control = _CONTROL.search(text)
    if control is not None:  # a Dockerfile cannot hold it, nor the app that inlines the text
        name = unicodedata.name(control.group(), "") or f"U+{ord(control.group()):04X}"
        raise CogProjectError(f"the cog debug output contains the control character {name}: "
                              "it is not a Dockerfile", source_name, text.count("\n", 0, control.start()) + 1)
    if requirements is None:
        requirements = read_requirements(root, config)
    return _Cleaner(config, requirements).run(text, source_name)
