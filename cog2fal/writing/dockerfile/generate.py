"""A Dockerfile for fal's ContainerImage written from cog.yaml, when no `cog debug` output exists.

Follows the order of Cog's own generator (base, preamble, environment, apt packages, Python,
requirements, ldconfig, `run` items, `pre_install`) with public base images only, then appends
cog2fal's tail. The model's code is never imported or run.
"""

from __future__ import annotations

from pathlib import Path

from cog2fal.project import CogConfig
from cog2fal.reading.requirements import Requirements, read_requirements
from cog2fal.writing.dockerfile import blocks
from cog2fal.writing.dockerfile.instructions import SYNTAX_HEADER, env_line
from cog2fal.writing.dockerfile.requirements_txt import build_requirements
from cog2fal.writing.dockerfile.result import DockerfileChange, DockerfileResult


def _model_lines(config: CogConfig, requirements_txt: str) -> list[blocks.Line]:
    """The model's environment from cog.yaml, in Cog's order."""
    lines: list[blocks.Line] = []
    if config.environment:
        lines.append(blocks.Line(env_line(config.environment), "cog.yaml `environment`"))
    if config.system_packages:
        lines.append(blocks.Line(blocks.apt_line(config.system_packages), "build.system_packages"))
    if requirements_txt:
        why = "Python requirements regenerated from cog.yaml into the build context"
        lines += [blocks.Line(blocks.REQUIREMENTS_COPY, why), blocks.Line(blocks.REQUIREMENTS_RUN, why)]
    lines.append(blocks.Line(blocks.LDCONFIG, "Cog's ldconfig step: libraries inside Python packages load"))
    for item in config.run:
        why = "build.run" + (" (the secret must be supplied at build time)" if item.mounts else "")
        lines.append(blocks.Line(blocks.run_item_line(item, config), why))
    lines += [blocks.Line(f"RUN {command.strip()}", "build.pre_install (Cog runs it after `run`)")
              for command in config.pre_install]
    return lines


def generate_dockerfile(root: Path, config: CogConfig,
                        requirements: Requirements | None = None) -> DockerfileResult:
    """Writes the Dockerfile Cog would build for this cog.yaml, on a public base, plus fal's tail.
    `requirements` are the project's, when the caller has read them already."""
    if requirements is None:
        requirements = read_requirements(root, config)
    build = build_requirements(requirements, config)
    python, python_note = blocks.python_version(config)
    base = blocks.choose_base(config, build.torch, python)
    installer = "python -m pip install"
    lines = blocks.base_lines(base) + _model_lines(config, build.text) + blocks.tail_lines(installer)
    if python_note:
        lines[0] = blocks.Line(lines[0].text, f"{lines[0].reason}; {python_note}")
    texts = [line.text for line in lines]
    if any("--mount=" in text for text in texts):
        lines.insert(0, blocks.Line(SYNTAX_HEADER, "BuildKit syntax for --mount"))
    changes = [DockerfileChange("added", None, None, line.text, line.reason) for line in lines]
    return DockerfileResult(
        text="\n".join(line.text for line in lines) + "\n",
        requirements_txt=build.text,
        changes=changes + build.changes,
        source="generated",
    )
