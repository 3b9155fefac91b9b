"""cog2fal.conversion: options built once and never edited, contributions merged in one place,
the machine type's default and whether the user chose it."""

from __future__ import annotations

import dataclasses

import pytest

from cog2fal.codes import Code
from cog2fal.conversion import (
    CPU_DEFAULT,
    GPU_DEFAULT,
    Contribution,
    ConvertOptions,
    MachineType,
    merge_contributions,
)
from cog2fal.convert import analyse_project, convert_project
from cog2fal.project import Finding, Location
from cog2fal.writing.app import AppPlan
from tests.conftest import FIXTURES


def _plan() -> AppPlan:
    return AppPlan(app_name="m", class_name="M", machine_type="S", requirements=["numpy"],
                   app_files=["predict.py"])


def test_contributions_are_merged_in_order() -> None:
    first = Finding(Code.ENVIRONMENT, "first", Location("cog.yaml", 1))
    second = Finding(Code.BUILD_SECRETS, "second")
    merged = merge_contributions(
        _plan(), {"predict.py": b"a", "requirements.txt": b"old"}, [first],
        [Contribution({"mode": "container", "requirements": []}, {"requirements.txt": b"new"}, (second,)),
         Contribution({"model_root": "/src"}, {".dockerignore": b"x"})])
    assert (merged.plan.mode, merged.plan.requirements, merged.plan.model_root) == ("container", [], "/src")
    assert merged.plan.app_files == ["predict.py"]  # what no contribution set stays
    assert merged.files == {"predict.py": b"a", "requirements.txt": b"new", ".dockerignore": b"x"}
    assert merged.findings == [first, second]


def test_a_contribution_cannot_set_a_field_the_plan_does_not_have() -> None:
    with pytest.raises(TypeError):
        merge_contributions(_plan(), {}, [], [Contribution({"no_such_field": 1})])


def test_merging_leaves_its_inputs_alone() -> None:
    plan, files, findings = _plan(), {"a": b"1"}, []
    merge_contributions(plan, files, findings, [Contribution({"mode": "container"}, {"b": b"2"},
                                                             (Finding(Code.ENVIRONMENT, "x"),))])
    assert (plan.mode, files, findings) == ("app", {"a": b"1"}, [])


def test_options_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ConvertOptions().mode = "app"  # type: ignore[misc]


@pytest.mark.parametrize(("requested", "gpu", "expected"), [
    (None, True, MachineType(GPU_DEFAULT, False)),
    (None, False, MachineType(CPU_DEFAULT, False)),
    ("", True, MachineType(GPU_DEFAULT, False)),
    ("GPU-H100", False, MachineType("GPU-H100", True)),
    (GPU_DEFAULT, True, MachineType(GPU_DEFAULT, True)),
])
def test_machine_type(requested: str | None, gpu: bool, expected: MachineType) -> None:
    assert MachineType.choose(requested, gpu) == expected


def _summary_line(options: ConvertOptions) -> str:
    report = convert_project(FIXTURES / "async_stream_warmup", options).files["MIGRATION.md"].decode()
    return next(line for line in report.splitlines() if line.startswith("| machine type"))


def test_report_says_a_chosen_default_machine_type_was_chosen() -> None:
    assert "a guess from `build.gpu: true`" in _summary_line(ConvertOptions())
    chosen = _summary_line(ConvertOptions(machine_type=GPU_DEFAULT))
    assert chosen == f"| machine type | `{GPU_DEFAULT}` (`--machine-type`) |"


def test_analysis_stops_before_the_app_file_and_report() -> None:
    options = ConvertOptions()
    analysed = analyse_project(FIXTURES / "hello_text", options)
    converted = convert_project(FIXTURES / "hello_text", options)
    assert set(converted.files) - set(analysed.files) == {"fal_app.py", "MIGRATION.md"}
    assert analysed.plan == converted.plan and analysed.findings == converted.findings
    assert options == ConvertOptions()
