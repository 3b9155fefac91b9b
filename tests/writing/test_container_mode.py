"""Container mode: `--mode auto` picks it for what only an image can give, the app is a fal
container app, and the model's code and data files reach the image."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import dockerfile
import pytest

from tests.conftest import FIXTURES, GOLDEN, ROOT
from tests.support.fal_apps import load_app_class

CONTAINER = sorted(p.parent.name for p in GOLDEN.glob("*/fal_app.py") if "DOCKERFILE = " in p.read_text())


def test_auto_mode_says_which_and_why(tmp_path: Path) -> None:
    def report(name: str) -> dict:
        done = subprocess.run([sys.executable, "-m", "cog2fal", "convert", str(FIXTURES / name), "--out",
                               str(tmp_path / name), "--json"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    packages = report("build_run_secrets")
    assert packages["mode"] == "container"
    assert "system_packages" in packages["mode_reason"] and "build.run" in packages["mode_reason"]
    plain = report("hello_text")
    assert plain["mode"] == "app" and "only Python packages" in plain["mode_reason"]
    human = subprocess.run([sys.executable, "-m", "cog2fal", "convert", str(FIXTURES / "video_mp4"),
                            "--out", str(tmp_path / "v")], capture_output=True, text=True)
    assert "container mode" in human.stdout


def test_there_are_container_goldens() -> None:
    assert len(CONTAINER) >= 5


@pytest.mark.parametrize("name", CONTAINER)
def test_model_code_reaches_the_image(name: str) -> None:
    app_dir = GOLDEN / name
    app_class = load_app_class(app_dir / "fal_app.py")
    image = app_class.image
    assert Path(image.context_dir).resolve() == app_dir.resolve()
    instructions = dockerfile.parse_string(image.dockerfile_str)
    copies = [i for i in instructions if i.cmd == "COPY" and not any(f.startswith("--from") for f in i.flags)]
    assert any(c.value == (".", "/src") for c in copies), "the build context is not copied to /src"
    for copy in copies:  # every COPY source exists in the build context
        for source in copy.value[:-1]:
            assert (app_dir / source).exists(), f"COPY {source}: not in the output folder"
    last_run = [i for i in instructions if i.cmd == "RUN"][-1]
    assert "pip install" in last_run.original and last_run.original.rstrip().endswith("fal")
    # What the model code needs at /src is in the context: the predictor, the runtime module.
    setup = (app_dir / "fal_app.py").read_text()
    predictor_file = setup.split("load_predictor(", 1)[1].split('"')[1]
    assert (app_dir / predictor_file).is_file()
    assert (app_dir / "cog2fal_runtime.py").is_file()
    assert 'root="/src"' in setup and 'sys.path.insert(0, "/src")' in setup


def test_cog_debug_output_is_cleaned_into_the_app(tmp_path: Path) -> None:
    """`convert --from FILE` puts the cleaned `cog debug` Dockerfile in the app, Cog's runtime gone."""
    debug = ROOT / "tests" / "fixtures" / "cog_debug" / "v0_15_cog_base_gpu" / "cog_debug.Dockerfile"
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "cog2fal", "convert", str(FIXTURES / "video_mp4"),
                           "--out", str(out), "--from", str(debug)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    image = load_app_class(out / "fal_app.py").image
    text = image.dockerfile_str
    assert ".cog/tmp" not in text and "cog.server.http" not in text and "EXPOSE 5000" not in text
    assert "r8.im/cog-base" not in text
    report = (out / "MIGRATION.md").read_text()
    assert "removed" in report and "cog-0.15.2-py3-none-any.whl" in report


def test_container_mode_is_a_contribution(tmp_path: Path) -> None:
    """Container mode returns what it decides; the conversion merges it (and nothing else edits it)."""
    from cog2fal.codes import Code
    from cog2fal.conversion import ConvertOptions
    from cog2fal.convert import convert_project
    from cog2fal.reading.config import find_config, read_config
    from cog2fal.reading.requirements import read_requirements
    from cog2fal.writing.container import MODEL_ROOT, container_contribution

    project = FIXTURES / "build_run_secrets"
    config_path = find_config(project)
    config = read_config(config_path, config_path.name)
    requirements = read_requirements(project, config)
    contribution = container_contribution(project, config, requirements, app_file="fal_app.py",
                                          cog_debug=None, shipped={"requirements.txt": b"something else\n"})
    assert contribution.plan["mode"] == "container" and contribution.plan["model_root"] == MODEL_ROOT
    expected = {Code.REQUIREMENTS_REPLACED, Code.BUILD_SECRETS, Code.DOCKERFILE}
    assert {f.code for f in contribution.findings} >= expected
    conversion = convert_project(project, ConvertOptions())
    assert conversion.plan.mode == "container"
    assert conversion.plan.dockerfile == contribution.plan["dockerfile"]
    assert conversion.plan.app_files == [] and conversion.plan.requirements == []
    assert conversion.files[".dockerignore"] == contribution.files[".dockerignore"]
    assert list(conversion.dockerfile_changes) == list(contribution.dockerfile_changes)
