"""The requirements.txt a container build installs, regenerated from cog.yaml.

`cog debug` deletes the requirements file it staged, so the cleaned Dockerfile cannot point at
it; this rebuilds the same content the way `cog build` does (pkg/requirements/ in
https://github.com/replicate/cog): the
project's requirements with Cog's own packages removed, and for a pinned torch/torchvision the
PyTorch wheel index line first with `+cuXYZ` local versions dropped. Pins of pydantic/fastapi go
too: fal installs versions that match its SDK, and `pip install fal` runs last anyway.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cog2fal.project import CogConfig
from cog2fal.reading.requirements import RequirementLine, Requirements
from cog2fal.writing.dockerfile import compat
from cog2fal.writing.dockerfile.result import DockerfileChange

REQUIREMENTS_FILE = "requirements.txt"  # name in the build context, next to the Dockerfile
TORCH_FAMILY = ("torch", "torchvision", "torchaudio")
_LOCAL_VERSION = re.compile(r"(===?\s*[0-9][^\s;,+]*)\+[A-Za-z0-9.]+")
_INDEX_OPTION = re.compile(r"^(--extra-index-url|--index-url|-i)[=\s]+(\S+)$")


@dataclass
class RequirementsFile:
    text: str  # "" when the project has no Python requirements
    changes: list[DockerfileChange] = field(default_factory=list)
    torch: compat.TorchRelease | None = None  # the release a torch/torchvision pin selects


def _pinned(requirements: Requirements, name: str) -> RequirementLine | None:
    line = requirements.find(name)
    return line if line is not None and line.pinned_version else None


def torch_release_of(requirements: Requirements) -> compat.TorchRelease | None:
    """The torch release the project pins, directly or through torchvision."""
    torch = _pinned(requirements, "torch")
    if torch is not None and torch.pinned_version:
        return compat.torch_release(torch.pinned_version)
    vision = _pinned(requirements, "torchvision")
    if vision is not None and vision.pinned_version:
        return compat.torch_for_torchvision(vision.pinned_version)
    return None


def _pin_text(requirements: Requirements) -> str | None:
    for name in ("torch", "torchvision"):
        line = _pinned(requirements, name)
        if line is not None:
            return f"{name}=={line.pinned_version}"
    return None


def wheel_index(config: CogConfig, requirements: Requirements) -> tuple[str, str] | None:
    """(index URL, why) for the pinned torch, following Cog; None when PyPI's wheel is the one."""
    pin = _pin_text(requirements)
    if pin is None:
        return None
    if not config.gpu:
        return compat.cpu_index_url(), f"CPU wheels for `{pin}` (build.gpu is false), as Cog does"
    release = torch_release_of(requirements)
    if release is None:
        cuda = config.cuda or compat.DEFAULT_CUDA
        return compat.cuda_index_url(cuda), (
            f"`{pin}` is not in Cog's compatibility matrix: wheel index for CUDA "
            f"{compat.major_minor(cuda)} ({'build.cuda' if config.cuda else 'default 11.8'})")
    if config.cuda:
        build = compat.wheel_cuda(release, config.cuda)
        why = f"newest CUDA build of torch {release.torch} not above build.cuda {config.cuda}"
    else:
        build = compat.newest_cuda(release)
        why = f"newest CUDA build of torch {release.torch} (build.cuda not set)"
    if build is None or build not in release.index_cudas:
        return None
    return compat.cuda_index_url(build), f"CUDA {build} wheels: {why}, as Cog does"


def _same_index(line: str, url: str) -> bool:
    match = _INDEX_OPTION.match(line.strip())
    return bool(match) and match.group(2).rstrip("/") == url.rstrip("/")


def _strip_local(line: RequirementLine, changes: list[DockerfileChange]) -> str:
    if line.name not in TORCH_FAMILY:
        return line.text
    stripped = _LOCAL_VERSION.sub(r"\1", line.text)
    if stripped != line.text:
        changes.append(DockerfileChange(
            "changed", None, line.text, stripped,
            f"requirements.txt ({line.location}): local version dropped; the PyTorch wheel index "
            "line selects the CPU or CUDA build, as Cog does"))
    return stripped


def build_requirements(requirements: Requirements, config: CogConfig) -> RequirementsFile:
    """The build's requirements.txt from the project's requirements, as read once from cog.yaml."""
    changes = [
        DockerfileChange("removed", None, None, None, f"requirements.txt ({f.location}): {f.message}")
        for f in requirements.removed
    ]
    index = wheel_index(config, requirements)
    lines = [_strip_local(line, changes) for line in requirements.lines]
    if index is not None and not any(_same_index(text, index[0]) for text in lines):
        index_line = f"--extra-index-url {index[0]}"
        lines.insert(0, index_line)
        changes.append(DockerfileChange("added", None, None, index_line, f"requirements.txt: {index[1]}"))
    has_packages = any(line.name or not line.text.startswith("-") for line in requirements.lines)
    text = "\n".join(lines) + "\n" if has_packages else ""
    return RequirementsFile(text, changes, torch_release_of(requirements))
