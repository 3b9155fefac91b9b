"""What the Dockerfile writers hand back: the text, the build-context file, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Action = Literal["removed", "changed", "added"]
Source = Literal["cog debug", "generated"]


@dataclass
class DockerfileChange:
    """One removed/changed/added line, so the report can say what happened and why."""

    action: Action
    line: int | None  # line in the input `cog debug` text; None for generated or added lines
    before: str | None
    after: str | None
    reason: str


@dataclass
class DockerfileResult:
    text: str  # the Dockerfile, ending with a newline
    requirements_txt: str  # requirements.txt the Dockerfile COPYs from its build context ("" if none)
    changes: list[DockerfileChange] = field(default_factory=list)
    source: Source = "generated"
