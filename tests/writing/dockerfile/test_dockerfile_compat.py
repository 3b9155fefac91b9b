"""cog2fal's compact torch/CUDA table against Cog's published matrices (when present)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cog2fal.writing.dockerfile import compat

DATA = Path(os.environ.get("COG2FAL_COMPAT_DATA", Path(__file__).resolve().parents[4] / "shared" / "data"
                           / "cog-compatibility"))
needs_data = pytest.mark.skipif(not (DATA / "torch_compatibility.json").is_file(),
                                reason=f"Cog's compatibility JSON not found in {DATA}")


def _load(name: str) -> list[dict[str, object]]:
    return json.loads((DATA / name).read_text())


@needs_data
def test_every_published_torch_build_is_in_the_table() -> None:
    for entry in _load("torch_compatibility.json"):
        release = compat.torch_release(compat.strip_local(str(entry["Torch"])))
        assert release is not None and release.torch == compat.strip_local(str(entry["Torch"])), entry
        assert release.torchvision == compat.strip_local(str(entry["Torchvision"]))
        assert release.torchaudio == compat.strip_local(str(entry["Torchaudio"]))
        assert list(release.pythons) == entry["Pythons"]
        cuda, url = entry["CUDA"], str(entry["ExtraIndexURL"]).rstrip("/")
        if cuda is None:
            assert url == compat.cpu_index_url()
        elif url:
            assert cuda in release.index_cudas and url == compat.cuda_index_url(str(cuda))
        else:
            assert release.pypi_cuda == cuda  # the default PyPI wheel is that CUDA build


@needs_data
def test_table_has_nothing_cog_does_not_publish() -> None:
    published = {(compat.strip_local(str(e["Torch"])), e["CUDA"]) for e in _load("torch_compatibility.json")}
    for release in compat.TORCH_RELEASES:
        assert (release.torch, None) in published  # every release has CPU wheels
        for cuda in release.cudas:
            assert (release.torch, cuda) in published


@needs_data
def test_cuda_images_match_published_tags() -> None:
    published = {(str(e["Tag"]), str(e["CuDNN"])) for e in _load("cuda_compatibility.json")}
    assert {(image.tag, image.cudnn) for image in compat.CUDA_IMAGES} == published


def test_torch_pin_resolution_follows_cog() -> None:
    assert compat.torch_release("2.3").torch == "2.3.1"  # `torch==2.3` means the newest 2.3.x
    assert compat.torch_release("2.3.1+cu118").torch == "2.3.1"
    assert compat.torch_release("1.7.1") is None
    assert compat.torch_for_torchvision("0.20.1").torch == "2.5.1"
    release = compat.torch_release("2.4.1")
    assert compat.newest_cuda(release) == "12.4"
    assert compat.wheel_cuda(release, "12.2") == "12.1"  # highest build not above build.cuda
    assert compat.wheel_cuda(release, "11.7") is None
    assert compat.newest_cuda(compat.torch_release("2.0.1")) == "11.8"


def test_cuda_image_choice() -> None:
    assert compat.cuda_image("11.8").image == "nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04"
    assert compat.cuda_image("12.1.0").tag == "12.1.0-cudnn8-devel-ubuntu22.04"
    assert compat.cuda_image("12.6", "9").tag == "12.6.3-cudnn-devel-ubuntu22.04"
    assert compat.cuda_image("11.6").tag == "11.6.2-cudnn8-devel-ubuntu20.04"  # no 22.04 image
    assert compat.cuda_image("12.1", "9") is None
    assert compat.cuda_image("10.2") is None
    assert compat.cuda_index_url("12.1.1") == "https://download.pytorch.org/whl/cu121"
