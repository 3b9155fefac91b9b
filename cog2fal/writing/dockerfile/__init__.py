"""Dockerfiles for fal's ContainerImage from a Cog project (docs/container.md).

`fal_container_dockerfile` is the entry point: it cleans `cog debug` output when there is some
and generates the Dockerfile from cog.yaml otherwise. Either way the result carries the
requirements.txt the build context needs and the list of changes for the report.
"""

from __future__ import annotations

from pathlib import Path

from cog2fal.project import CogConfig
from cog2fal.reading.requirements import Requirements
from cog2fal.writing.dockerfile.clean import clean_cog_debug
from cog2fal.writing.dockerfile.generate import generate_dockerfile
from cog2fal.writing.dockerfile.requirements_txt import REQUIREMENTS_FILE
from cog2fal.writing.dockerfile.result import DockerfileChange, DockerfileResult

__all__ = [
    "REQUIREMENTS_FILE",
    "DockerfileChange",
    "DockerfileResult",
    "clean_cog_debug",
    "fal_container_dockerfile",
    "generate_dockerfile",
]


def fal_container_dockerfile(root: Path, config: CogConfig, cog_debug_text: str | None = None,
                             requirements: Requirements | None = None) -> DockerfileResult:
    """Cleans `cog debug` output when given (and not blank), else generates from cog.yaml.
    `requirements`: the project's, when the caller has read them already (else read here)."""
    if cog_debug_text is not None and cog_debug_text.strip():
        return clean_cog_debug(cog_debug_text, root, config, requirements=requirements)
    return generate_dockerfile(root, config, requirements)
