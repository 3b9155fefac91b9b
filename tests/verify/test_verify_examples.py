"""`cog2fal verify` on every runnable example: the conversion matches Cog, end to end.

Each example is converted with the real CLI (`cog2fal convert examples/<name>/cog --out ...`)
and verified with the real Cog 0.23.1 runtime and fal 1.83.0's app server: once with the
cases verify generates from the schema, once with the example's own `cases/*.json`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.verify.helpers import EXAMPLES, RUNNABLE, report_of, run_verify

# A converter bug (not verify's): see the reason. verify must keep finding it until it is fixed.
KNOWN_CONVERTER_BUGS = {
    "tiny-torch": (
        "converter bug: cog2fal_runtime.weights_from_env() returns Path('weights') when "
        "COG_WEIGHTS is unset and a ./weights folder exists (Cog <= 0.16 behaviour), so the "
        "converted setup(weights) gets a directory and torch.load fails with IsADirectoryError; "
        "Cog 0.23.1 passes weights=None and the model loads weights/tiny_mlp.pt"
    ),
}


def _params() -> list:
    return [pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_CONVERTER_BUGS[name], strict=True))
            if name in KNOWN_CONVERTER_BUGS else name for name in RUNNABLE]


def _assert_all_match(report: dict, expected_cases: int) -> None:
    assert report["problems"] == [], report["problems"]
    assert report["schema"]["status"] == "match", report["schema"]
    assert report["schema"]["fields"] >= 1
    differences = [(c["case"], c["endpoint"], c["differences"]) for c in report["cases"] if c["differences"]]
    assert differences == []
    assert report["status"] == "match"
    names = {c["case"] for c in report["cases"]}
    assert len(names) == expected_cases
    for case in report["cases"]:
        assert case["cog"]["status"] == "succeeded", case
        assert case["fal"]["status"] == "succeeded", case


@pytest.mark.parametrize("name", _params())
def test_generated_cases_match(runtime: str, converted: dict[str, Path], name: str) -> None:
    done = run_verify(runtime, EXAMPLES / name / "cog", converted[name], "--json")
    report = report_of(done)
    _assert_all_match(report, expected_cases=2)  # defaults and alternatives
    assert done.returncode == 0, done.stderr
    assert report["cog_version"] == "0.23.1" and report["fal_version"] == "1.83.0"
    streams = name in ("streaming-text", "async-echo")
    assert {c["endpoint"] for c in report["cases"]} == ({"/", "/stream"} if streams else {"/"})


@pytest.mark.parametrize("name", _params())
def test_example_case_files_match(runtime: str, converted: dict[str, Path], name: str) -> None:
    case_files = sorted((EXAMPLES / name / "cases").glob("*.json"))
    assert case_files
    args = [arg for path in case_files for arg in ("--case", str(path))]
    done = run_verify(runtime, EXAMPLES / name / "cog", converted[name], *args, "--json")
    report = report_of(done)
    _assert_all_match(report, expected_cases=len(case_files))
    assert {c["case"] for c in report["cases"]} == {p.stem for p in case_files}
    assert done.returncode == 0, done.stderr


def test_table_output_on_success(runtime: str, converted: dict[str, Path]) -> None:
    done = run_verify(runtime, EXAMPLES / "text-tools" / "cog", converted["text-tools"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "input schema" in done.stdout and "5 fields" in done.stdout
    assert "case defaults" in done.stdout and "case alternatives" in done.stdout
    assert "OK 3 checks match" in done.stdout
    assert "MISMATCH" not in done.stdout
