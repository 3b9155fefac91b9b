"""The code registry is the single source of the IDs: the source uses only its members, every
member is used (or marked retired), and docs/mapping.md's tables are the registry's."""

from __future__ import annotations

import json
import re

import pytest

from cog2fal.client.rules import ALL_RULES as CLIENT_RULES
from cog2fal.codes import Code, findings
from cog2fal.project import Finding, Location
from cog2fal.reporting.findings import finding_json
from cog2fal.writing.rewrites import registered_rules
from tests.conftest import ROOT
from tests.test_examples import SCRIPT

PACKAGE = ROOT / "cog2fal"
REGISTRY = PACKAGE / "codes.py"


def _source_outside_registry() -> dict[str, str]:
    return {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(PACKAGE.rglob("*.py")) if path != REGISTRY}


def test_no_code_is_written_out_outside_the_registry() -> None:
    spelled = [f"{name}: {code}" for name, text in _source_outside_registry().items()
               for code in re.findall(r"C2F\d{3}", text)]
    assert not spelled, "use a cog2fal.codes.Code member instead of:\n" + "\n".join(spelled)


def test_every_code_is_used_or_retired() -> None:
    used = set()
    for text in _source_outside_registry().values():
        used |= set(re.findall(r"\bCode\.([A-Z_0-9]+)\b", text))
    assert used <= set(Code.__members__), sorted(used - set(Code.__members__))
    for code in Code:
        assert (code.name in used) != code.retired, \
            f"{code.name} ({code.value}) is {'retired but used' if code.retired else 'never used'}"


def test_codes_are_unique_well_formed_and_described() -> None:
    values = [code.value for code in Code]
    assert len(values) == len(set(values)) == len(Code.__members__), "an alias: two names, one code"
    for code in Code:
        assert re.fullmatch(r"C2F\d{3}", code.value), code
        assert code.headline and code.headline == code.headline.strip()
        if code.kind == "finding":
            assert code.severity in ("todo", "warning", "info")
            assert code.explanation, f"{code.value} needs an explanation for docs/mapping.md"


def test_rule_ids_are_the_rule_members_in_order() -> None:
    ids = [rule.id for rule in registered_rules()] + [rule.id for rule in CLIENT_RULES]
    assert all(isinstance(rule_id, Code) for rule_id in ids)
    assert ids == [code for code in Code if code.kind == "rule" and not code.retired]


@pytest.mark.parametrize("code", findings(), ids=lambda code: code.value)
def test_a_finding_takes_its_severity_from_its_code(code: Code) -> None:
    finding = Finding(code, "a\n  message", Location("predict.py", 3))
    assert finding.severity == code.severity
    assert finding.message == "a message"
    report = json.loads(json.dumps(finding_json(finding)))
    assert report["code"] == code.value and report["severity"] == code.severity
    assert f"({finding.code})" == f"({code.value})" and str(finding.code) == code.value


def test_a_rule_id_is_not_a_finding() -> None:
    with pytest.raises(ValueError, match="rule ID"):
        Finding(Code.RULE_COG_IMPORTS, "message")


def test_the_mapping_tables_are_the_registry() -> None:
    mapping = (ROOT / "docs" / "mapping.md").read_text(encoding="utf-8")
    table = SCRIPT.findings_table()
    assert f"<!-- generated: findings -->\n{table}\n<!-- end generated -->" in mapping, \
        f"docs/mapping.md is out of date: run {SCRIPT.RERUN}"
    rows = [line for line in table.splitlines()[2:]]
    assert len(rows) == len(findings())
    for row, code in zip(rows, findings(), strict=True):
        assert row.startswith(f"| `{code.value}` | {code.severity} | ")
    rules = SCRIPT.rules_table()
    assert f"<!-- generated: rules -->\n{rules}\n<!-- end generated -->" in mapping
    client_rules = {rule.id for rule in CLIENT_RULES}  # their own table, tests/client/test_docs.py
    for code in Code:
        if code.kind == "rule":
            assert f"| `{code.value}` | " in (mapping if code in client_rules else rules)
