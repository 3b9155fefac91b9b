"""generate_dockerfile on cog.yaml variants beyond the golden fixtures, checked with the real parser."""

from __future__ import annotations

from pathlib import Path

import dockerfile
import pytest

from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig, RunCommand
from cog2fal.writing.dockerfile import fal_container_dockerfile, generate_dockerfile


def _generate(tmp_path: Path, **fields: object) -> tuple[str, str, list[str]]:
    fields.setdefault("python_version", "3.11")
    result = generate_dockerfile(tmp_path, CogConfig(predict="predict.py:Predictor", **fields))  # type: ignore[arg-type]
    dockerfile.parse_string(result.text)
    assert result.source == "generated"
    return result.text, result.requirements_txt, [c.reason for c in result.changes]


def _from(text: str) -> str:
    return next(c.value[0] for c in dockerfile.parse_string(text) if c.cmd == "FROM")


def test_cpu_without_requirements_needs_no_build_context_file(tmp_path: Path) -> None:
    text, requirements, _ = _generate(tmp_path)
    assert _from(text) == "python:3.11-slim"
    assert requirements == "" and "requirements.txt" not in text


def test_gpu_defaults_to_cuda_11_8_without_torch_or_cuda(tmp_path: Path) -> None:
    text, _, _ = _generate(tmp_path, gpu=True, python_packages=["numpy==1.26.4"])
    assert _from(text) == "nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04"


def test_gpu_cuda_from_newest_build_of_pinned_torch(tmp_path: Path) -> None:
    text, requirements, _ = _generate(tmp_path, gpu=True, python_packages=["torch==2.4.1"])
    assert _from(text) == "nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04"
    assert requirements.splitlines()[0] == "--extra-index-url https://download.pytorch.org/whl/cu124"


def test_gpu_cuda_without_matching_torch_build_keeps_pypi_wheel(tmp_path: Path) -> None:
    """Cog adds no index when the torch release has no build at or below build.cuda."""
    text, requirements, _ = _generate(tmp_path, gpu=True, cuda="11.8", python_packages=["torch==2.8.0"])
    assert _from(text).startswith("nvidia/cuda:11.8.0-")
    assert requirements == "torch==2.8.0\n"


def test_unknown_torch_gets_index_for_build_cuda(tmp_path: Path) -> None:
    _, requirements, reasons = _generate(tmp_path, gpu=True, python_packages=["torch==1.7.1"])
    assert requirements.splitlines() == ["--extra-index-url https://download.pytorch.org/whl/cu118",
                                         "torch==1.7.1"]
    assert any("not in Cog's compatibility matrix" in r for r in reasons)


def test_unpinned_torch_gets_no_index(tmp_path: Path) -> None:
    _, requirements, _ = _generate(tmp_path, gpu=True, python_packages=["torch>=2"])
    assert requirements == "torch>=2\n"


def test_cuda_without_image_falls_back_and_says_so(tmp_path: Path) -> None:
    text, _, reasons = _generate(tmp_path, gpu=True, cuda="10.2")
    assert _from(text).startswith("nvidia/cuda:11.8.0-")
    assert any("CUDA 10.2 has no nvidia/cuda devel image" in r for r in reasons)


def test_cudnn_without_image_for_that_cuda_is_reported(tmp_path: Path) -> None:
    text, _, reasons = _generate(tmp_path, gpu=True, cuda="12.1", cudnn="9")
    assert _from(text) == "nvidia/cuda:12.1.1-cudnn8-devel-ubuntu22.04"
    assert any("no cuDNN 9 image for CUDA 12.1" in r for r in reasons)


def test_full_cuda_version_is_kept(tmp_path: Path) -> None:
    text, _, _ = _generate(tmp_path, gpu=True, cuda="12.1.0")
    assert _from(text) == "nvidia/cuda:12.1.0-cudnn8-devel-ubuntu22.04"


def test_missing_python_version_uses_default_and_reports_it(tmp_path: Path) -> None:
    text, _, reasons = _generate(tmp_path, python_version=None)
    assert _from(text) == "python:3.12-slim"
    assert any("python_version is not set" in r for r in reasons)


def test_environment_values_with_spaces_are_quoted(tmp_path: Path) -> None:
    text, _, _ = _generate(tmp_path, environment={"B": "two words", "A": 'say "hi"'})
    env = next(c for c in dockerfile.parse_string(text) if c.cmd == "ENV" and "A" in c.value)
    assert env.value == ("A", '"say \\"hi\\""', "B", '"two words"')


def test_run_items_mounts_and_pre_install_order(tmp_path: Path) -> None:
    run = [RunCommand("echo one"),
           RunCommand("pip install x", [{"type": "secret", "id": "tok", "target": "/run/tok"},
                                        {"type": "cache", "id": "c", "target": "/c"}])]
    text, _, _ = _generate(tmp_path, run=run, pre_install=["echo last"])
    runs = [c for c in dockerfile.parse_string(text) if c.cmd == "RUN"]
    user = [c for c in runs if c.value[0] in ("echo one", "pip install x", "echo last")]
    assert [c.value[0] for c in user] == ["echo one", "pip install x", "echo last"]
    assert user[1].flags == ("--mount=type=secret,id=tok,target=/run/tok",)  # only secrets, as Cog


def test_run_item_with_newline_is_rejected_like_cog(tmp_path: Path) -> None:
    config = CogConfig(predict="predict.py:Predictor", run=[RunCommand("echo a\necho b")],
                       lines={"build.run": 7})
    with pytest.raises(CogProjectError) as info:
        generate_dockerfile(tmp_path, config)
    assert str(info.value).startswith("cog.yaml:7: ")


def test_requirements_file_with_cog_and_pins_fal_installs(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("cog==0.9.4\nfastapi==0.95.0\nrequests==2.31.0\n")
    _, requirements, reasons = _generate(tmp_path, python_requirements="requirements.txt")
    assert requirements == "requests==2.31.0\n"
    assert sum(r.startswith("requirements.txt (requirements.txt:") for r in reasons) == 2


def test_picks_cleaner_only_for_real_cog_debug_text(tmp_path: Path) -> None:
    config = CogConfig(predict="predict.py:Predictor", python_version="3.11")
    assert fal_container_dockerfile(tmp_path, config).source == "generated"
    assert fal_container_dockerfile(tmp_path, config, " \n").source == "generated"
    debug = "#syntax=docker/dockerfile:1.4\nFROM python:3.11-slim\nWORKDIR /src\nCOPY . /src\n"
    assert fal_container_dockerfile(tmp_path, config, debug).source == "cog debug"
