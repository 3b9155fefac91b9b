"""docs/mapping.md's table of client rules says what the rules do: it is built here from the
rules themselves and must appear in the page as it is."""

from __future__ import annotations

import inspect
from pathlib import Path

from cog2fal.client.rules import ALL_RULES
from cog2fal.client.sites import TODO_CODE

ROOT = Path(__file__).resolve().parents[2]


def client_rules_table() -> str:
    rows = ["| ID | Replicate's client | becomes | module |", "|---|---|---|---|"]
    for rule in ALL_RULES:
        module = Path(inspect.getfile(rule)).relative_to(ROOT).as_posix()
        rows.append(f"| `{rule.id}` | {rule.replicate} | {rule.fal} | [`{Path(module).name}`](../{module}) |")
    rows.append(f"| `{TODO_CODE}` | "
                "any call the rules cannot move (an unknown model, `models.list()`, ...) | "
                "the call as it was, with `# TODO(cog2fal): ...` above it and a finding with its file:line | "
                "[`codemod.py`](../cog2fal/client/codemod.py) |")
    return "\n".join(rows) + "\n"


def test_mapping_lists_every_client_rule() -> None:
    page = (ROOT / "docs" / "mapping.md").read_text()
    table = client_rules_table()
    assert table in page, "docs/mapping.md's client rules table is stale; it should read:\n" + table
