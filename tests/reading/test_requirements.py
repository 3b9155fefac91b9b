"""Requirements: a real parser, Cog's runtime dropped, fal's own pins reported."""

from __future__ import annotations

from pathlib import Path

from cog2fal.project import CogConfig
from cog2fal.reading.requirements import read_requirements


def test_requirements_file_with_includes_options_and_urls(tmp_path: Path) -> None:
    (tmp_path / "base.txt").write_text("numpy==1.26.4  # pinned\n")
    (tmp_path / "requirements.txt").write_text(
        "# comment\n-r base.txt\n--extra-index-url https://download.pytorch.org/whl/cu118\n"
        "torch==2.0.1+cu118\ncog==0.9.4\npydantic==1.10.15\n"
        "git+https://github.com/acme/lib.git@v1#egg=lib\n-e .\nscipy>=1.11 \\\n  ; python_version > '3.8'\n")
    reqs = read_requirements(tmp_path, CogConfig(python_requirements="requirements.txt"))
    assert reqs.items == [
        "numpy==1.26.4",
        "--extra-index-url https://download.pytorch.org/whl/cu118",
        "torch==2.0.1+cu118",
        "git+https://github.com/acme/lib.git@v1#egg=lib",
        "scipy>=1.11    ; python_version > '3.8'",
    ]
    assert reqs.find("torch").pinned_version == "2.0.1"
    assert {f.code for f in reqs.removed} == {"C2F010", "C2F011", "C2F012"}


def test_python_packages_list(tmp_path: Path) -> None:
    reqs = read_requirements(tmp_path, CogConfig(python_packages=[
        "--extra-index-url https://example.com/simple", "Pillow==10.0.0", "coglet"]))
    assert reqs.items == ["--extra-index-url https://example.com/simple", "Pillow==10.0.0"]
