"""Telling an image reference from a project folder (cog2fal/images/reference.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cog2fal.images.reference import image_argument, parse_reference

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize("text, domain, path, tag, digest", [
    (f"r8.im/owner/sdxl@{DIGEST}", "r8.im", "owner/sdxl", None, DIGEST),
    ("r8.im/owner/sdxl:v2", "r8.im", "owner/sdxl", "v2", None),
    ("localhost:5000/team/model:1", "localhost:5000", "team/model", "1", None),
    ("localhost/model", "localhost", "model", None, None),
    ("owner/model", None, "owner/model", None, None),
    ("model:latest", None, "model", "latest", None),
    (f"ghcr.io/a/b/c:x@{DIGEST}", "ghcr.io", "a/b/c", "x", DIGEST),
    ("my_model-2/sub__part", None, "my_model-2/sub__part", None, None),
    ("Registry/model", "Registry", "model", None, None),  # an uppercase first part is a host
])
def test_references_parse_as_docker_reads_them(text, domain, path, tag, digest) -> None:
    reference = parse_reference(text)
    assert reference is not None
    assert (reference.domain, reference.path, reference.tag, reference.digest) == (domain, path, tag, digest)
    assert str(reference) == text


@pytest.mark.parametrize("text", ["UPPER", "owner/Model", "./model", "../model", "/abs/path", "a//b",
                                  "model:",
                                  "model@sha256:short", "-model", "a/b:tag with space", "x" * 300])
def test_what_is_not_a_reference(text: str) -> None:
    assert parse_reference(text) is None


def test_the_image_name_is_the_last_path_part() -> None:
    assert parse_reference(f"r8.im/owner/sdxl-lightning@{DIGEST}").name == "sdxl-lightning"
    assert parse_reference("model:1").name == "model"


def test_an_existing_path_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "model:latest").mkdir()
    assert image_argument("model:latest") is None
    assert image_argument("model:latest", forced=True) is not None


@pytest.mark.parametrize("text, is_image", [
    (f"r8.im/owner/sdxl@{DIGEST}", True),
    ("owner/model:tag", True),
    ("model:1", True),
    ("registry.example.com/model", True),
    ("owner/model", False),  # could be a mistyped folder: reported as one, unless --image
    ("my-model", False),
    ("examples/sana/cog", False),
])
def test_only_an_unmistakable_reference_is_an_image(text: str, is_image: bool, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert (image_argument(text) is not None) is is_image
    assert image_argument(text, forced=True) is not None
