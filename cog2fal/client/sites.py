"""What the codemod did at each Replicate call site of a file: rewritten, or flagged with a TODO."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from cog2fal.codes import Code
from cog2fal.project import Finding, Location

TODO_PREFIX = "# TODO(cog2fal): "
TODO_CODE = Code.CLIENT_CALL_NOT_MOVED


@dataclass(frozen=True)
class Site:
    file: str
    line: int
    api: str  # the Replicate call, e.g. `replicate.run`
    status: Literal["rewritten", "flagged"]
    rule: str  # the rule's ID
    detail: str  # the fal call it became, or what needs a hand

    def json(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "api": self.api, "status": self.status,
                "rule": self.rule, "detail": self.detail}


@dataclass
class FileResult:
    """One file's outcome: the new text (None: unchanged), its sites, and whether the rewritten
    code imports the helper module that must sit beside it."""

    path: str
    text: str | None
    sites: list[Site] = field(default_factory=list)
    needs_helper: bool = False

    @property
    def findings(self) -> list[Finding]:
        return [Finding(TODO_CODE, site.detail, Location(self.path, site.line))
                for site in self.sites if site.status == "flagged"]
