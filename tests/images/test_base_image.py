"""`convert --base-image`: FROM the Cog image itself, pinned by digest, fal added with its installer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from cog2fal.images.base_image import describe_base_image
from tests.conftest import EXAMPLES, ROOT

DIGEST = "sha256:" + "ab" * 32


def _attrs(env: list[str], labels: dict[str, str], repo_digests: list[str] | None = None) -> dict[str, Any]:
    return {"Size": 8_100_000_000, "RepoDigests": repo_digests or [],
            "Config": {"Env": env, "Labels": labels}}


def test_a_pulled_image_is_pinned_by_its_registry_digest() -> None:
    base = describe_base_image("r8.im/acme/sdxl:latest", _attrs(
        ["PATH=/root/.pyenv/shims:/usr/bin"], {"run.cog.version": "0.13.7"},
        [f"r8.im/acme/sdxl@{DIGEST}"]))
    assert base.pinned == f"r8.im/acme/sdxl@{DIGEST}" and base.digest == DIGEST
    assert base.dockerfile().splitlines()[0] == f"FROM r8.im/acme/sdxl@{DIGEST}"
    assert base.installer == "pip"
    assert base.dockerfile().splitlines()[-1] == "RUN python -m pip install --no-cache-dir fal"
    assert base.cost() == ("the image starts FROM the Cog image r8.im/acme/sdxl:latest (pinned by digest): "
                           "8.1 GB before fal is added; Cog 0.13.7's runtime stays inside, unused; fal "
                           "installed with the image's pip")


def test_a_reference_with_a_digest_keeps_it() -> None:
    base = describe_base_image(f"r8.im/acme/sdxl@{DIGEST}", _attrs([], {"org.cogmodel.cog_version": "0.8.6"}))
    assert base.pinned == f"r8.im/acme/sdxl@{DIGEST}" and base.cog_version == "0.8.6"


def test_uv_built_images_install_fal_with_uv() -> None:
    """Cog 0.17+ images: uv-installed Python, UV_SYSTEM_PYTHON=true, no pip on PATH."""
    base = describe_base_image("r8.im/acme/flux", _attrs(
        ["PATH=/usr/local/bin:/usr/bin", "UV_SYSTEM_PYTHON=true"], {"run.cog.version": "0.17.2"}))
    assert base.installer == "uv"
    assert "RUN uv pip install --system --no-cache fal" in base.dockerfile().splitlines()
    assert "not pinned: the engine knows no registry digest for it" in base.cost()


def test_convert_with_a_local_cog_image_as_base(docker_client: Any, python_base_image: str,
                                                tmp_path: Path) -> None:
    """A Cog-shaped local image (Cog's labels on the base image's filesystem) through the SDK."""
    tag = "cog2fal-test/cogish:0.1"
    docker_client.images.get(python_base_image).tag(tag)  # same layers; labels come from a build
    build = docker_client.api.build(fileobj=__import__("io").BytesIO(
        b"FROM cog2fal-test/cogish:0.1\nLABEL run.cog.version=0.16.12\nWORKDIR /src\n"),
        tag=tag, rm=True, decode=True)
    assert not [chunk for chunk in build if "error" in chunk]
    try:
        out = tmp_path / "fal"
        done = subprocess.run(
            [sys.executable, "-m", "cog2fal", "convert", str(EXAMPLES / "json-query" / "cog"), "--out",
             str(out), "--base-image", tag, "--json"], cwd=ROOT, capture_output=True, text=True,
            timeout=300, env=dict(os.environ))
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        size = docker_client.images.get(tag).attrs["Size"]
        assert report["mode"] == "container"
        assert report["base_image"] == {"reference": tag, "from": tag, "digest": None, "size_bytes": size,
                                        "cog_runtime_left_inside": "0.16.12", "installer": "pip"}
        app = (out / "fal_app.py").read_text(encoding="utf-8")
        assert f'DOCKERFILE = """\\\nFROM {tag}\nRUN command -v curl' in app
        assert "apt-get install -qqy jq" not in app  # the Cog image already has its packages
        assert not (out / "requirements.txt").exists()
        migration = (out / "MIGRATION.md").read_text(encoding="utf-8")
        assert "Cog 0.16.12's runtime stays inside, unused" in migration
    finally:
        docker_client.images.remove(tag, force=True)


def test_base_image_and_app_mode_exclude_each_other() -> None:
    done = subprocess.run([sys.executable, "-m", "cog2fal", "convert", "x", "--mode", "app", "--base-image",
                           "r8.im/a/b"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--base-image makes a container app: not with --mode app" in done.stderr
