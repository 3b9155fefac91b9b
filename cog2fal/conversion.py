"""The conversion's data: the options it takes, the decisions output concerns contribute, its result.

A leaf module: reading, writing, reporting and the commands all import it, and it imports none of
them at run time, so no layer needs another's module to name what crosses between them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cog2fal.project import Finding, Project
    from cog2fal.reading.requirements import Requirements
    from cog2fal.reporting.schema_check import SchemaDifference
    from cog2fal.writing.app import AppPlan
    from cog2fal.writing.dockerfile.result import DockerfileChange

APP_FILE = "fal_app.py"
REPORT_FILE = "MIGRATION.md"

Mode = Literal["auto", "app", "container"]

# fal machine types for a Cog model that did not name one: build.gpu picks between them.
GPU_DEFAULT = "GPU-A100"
CPU_DEFAULT = "S"


@dataclass(frozen=True)
class MachineType:
    """The fal machine type, and whether the user chose it (`--machine-type`) or the default did."""

    name: str
    given: bool

    @classmethod
    def choose(cls, requested: str | None, gpu: bool) -> MachineType:
        if requested:
            return cls(requested, True)
        return cls(GPU_DEFAULT if gpu else CPU_DEFAULT, False)


@dataclass(frozen=True)
class CopiedFile:
    """A project file shipped unchanged: copied from `source` when the output is written and
    compared by size, then content, in chunks; never held in memory (weights can be gigabytes)."""

    source: Path
    size: int

    def read_bytes(self) -> bytes:
        return self.source.read_bytes()


# An output file's content: bytes cog2fal made, or a project file copied as it is.
FileContent = bytes | CopiedFile


def content_bytes(content: FileContent) -> bytes:
    """The bytes themselves, for the few small files a concern reads (requirements.txt)."""
    return content.read_bytes() if isinstance(content, CopiedFile) else content


@dataclass(frozen=True)
class ConvertOptions:
    """What the user asked for, the same for every project of a run; built once by the CLI."""

    mode: Mode = "auto"
    machine_type: str | None = None
    app_name: str | None = None
    billing_metric: str | None = None
    cog_debug: str | None = None  # `cog debug` output to clean, for container mode
    base_image: Any = None  # images.base_image.BaseImage (`--base-image`): container mode FROM it
    persistent_cache: bool = True  # keep what the model downloads on fal's persistent volume
    persistent_root: str | None = None  # that volume's folder (default fal's /data)


@dataclass(frozen=True)
class Contribution:
    """What one output concern (container mode, the persistent cache; next, an image) decides.

    A concern returns one of these instead of editing the conversion; `merge_contributions` is the
    one place they are applied, in order, so a later concern sees what an earlier one decided.
    """

    plan: Mapping[str, object] = field(default_factory=dict)  # AppPlan fields it sets
    files: Mapping[str, bytes] = field(default_factory=dict)  # output files it adds or replaces
    findings: tuple[Finding, ...] = ()
    dockerfile_changes: tuple[DockerfileChange, ...] = ()


@dataclass(frozen=True)
class Merged:
    plan: AppPlan
    files: dict[str, FileContent]
    findings: list[Finding]
    dockerfile_changes: list[DockerfileChange]


def merge_contributions(plan: AppPlan, files: Mapping[str, FileContent], findings: Iterable[Finding],
                        contributions: Iterable[Contribution]) -> Merged:
    merged = Merged(plan, dict(files), list(findings), [])
    for contribution in contributions:
        merged = Merged(
            dataclasses.replace(merged.plan, **contribution.plan),
            {**merged.files, **contribution.files},
            [*merged.findings, *contribution.findings],
            [*merged.dockerfile_changes, *contribution.dockerfile_changes],
        )
    return merged


@dataclass(frozen=True)
class Conversion:
    """One project converted, in memory: `files` is the whole output folder."""

    project: Project
    plan: AppPlan
    machine: MachineType
    app_file: str
    files: dict[str, FileContent]  # relative path → content (a CopiedFile: the project's file as is)
    findings: list[Finding]
    mode_reason: str
    requirements: Requirements
    rewritten: dict[str, list[str]] = field(default_factory=dict)  # file → rule IDs that changed it
    dockerfile_changes: list[DockerfileChange] = field(default_factory=list)
    schema_differences: list[SchemaDifference] = field(default_factory=list)  # from published schemas


def default_out_dir(model_dir: Path) -> Path:
    root = model_dir.parent if model_dir.is_file() else model_dir
    root = root.resolve()
    return root.parent / f"{root.name}-fal"
