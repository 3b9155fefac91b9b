"""Schema and output parity for the fixtures Cog 0.16.12 cannot publish a schema for.

tests/test_schema_parity.py compares with Cog 0.16.12's schema command; these fixtures use APIs
that generation does not have (0.20's `BaseRunner`, `emit_metric`, an `AsyncIterator` output).
Cog 0.23.1 runs them, so `cog2fal verify` compares them with it instead: its Input schema (from
Cog's own inspector) and the outputs of the fixtures' recorded cases. No Cog within reach
publishes a schema for the rest: the two 2021-API fixtures (`cog.Model`, `cog.Predictor` +
`@cog.input`) and `untyped_output` (both 0.16's schema command and 0.23's inspector refuse a
predictor without a return annotation); the golden and serving tests cover those.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.verify.helpers import convert, report_of, run_verify

NOT_016_RUNNABLE = ["runner_v020", "metrics_emit", "async_iterator"]
CASES = json.loads((FIXTURES / "CASES.json").read_text())


@pytest.mark.parametrize("name", NOT_016_RUNNABLE)
def test_fixture_matches_cog_0_23(runtime: str, tmp_path: Path, name: str) -> None:
    app = convert(FIXTURES / name, tmp_path / "app")
    case_files = []
    for index, case in enumerate(CASES["predict"][name]):
        path = tmp_path / f"case{index}.json"
        path.write_text(json.dumps(case))
        case_files += ["--case", str(path)]
    done = run_verify(runtime, FIXTURES / name, app, *case_files, "--json")
    report = report_of(done)
    assert report["schema"]["status"] == "match", report["schema"]
    assert report["status"] == "match", report
    assert done.returncode == 0, done.stderr
