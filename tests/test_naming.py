"""cog2fal.naming: the fal app's name from --app-name, a Replicate model reference, or the folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from cog2fal.naming import app_name, app_name_from_folder, app_name_from_image


@pytest.mark.parametrize(("ref", "expected"), [
    ("r8.im/owner/name", "name"),
    ("r8.im/owner/name/", "name"),
    ("owner/name", "name"),
    ("owner/name:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa", "name"),
    ("name", "name"),
    ("r8.im/owner/name@sha256:" + "ab" * 32, "name"),  # a pinned image, as Replicate shows them
    ("localhost:5000/owner/name:v2@sha256:" + "ab" * 32, "name"),
    ("r8.im/stability-ai/Stable_Diffusion", "stable-diffusion"),
])
def test_app_name_from_image(ref: str, expected: str) -> None:
    assert app_name_from_image(ref) == expected


def test_folder_fallback_skips_generic_folders(tmp_path: Path) -> None:
    (tmp_path / "My Model" / "cog").mkdir(parents=True)
    (tmp_path / "My Model" / "cog" / "cog.yaml").write_text("predict: p.py:P\n")
    assert app_name_from_folder(tmp_path / "My Model" / "cog") == "my-model"
    assert app_name_from_folder(tmp_path / "My Model" / "cog" / "cog.yaml") == "my-model"
    assert app_name_from_folder(tmp_path / "My Model") == "my-model"


def test_app_name_order(tmp_path: Path) -> None:
    assert app_name("Chosen Name", "r8.im/o/image-name", tmp_path) == "chosen-name"
    assert app_name(None, "r8.im/o/image-name", tmp_path) == "image-name"
    assert app_name(None, None, tmp_path) == app_name_from_folder(tmp_path)
