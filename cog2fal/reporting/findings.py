"""Findings for the terminal and for JSON."""

from __future__ import annotations

from typing import Any

from cog2fal.project import Finding

STYLE = {"todo": "bold yellow", "warning": "yellow", "info": "dim"}


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "severity": finding.severity,
        "message": finding.message,
        "file": finding.location.file if finding.location else None,
        "line": finding.location.line if finding.location else None,
    }
