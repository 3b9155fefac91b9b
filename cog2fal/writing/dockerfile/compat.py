"""PyTorch wheel indexes and CUDA base images, as Cog chooses them.

A compact restatement of the facts in Cog's `torch_compatibility.json` and
`cuda_compatibility.json` (replicate/cog `pkg/config/`): which CUDA builds each torch release has
on download.pytorch.org, which CUDA the default PyPI wheel targets, and which
`nvidia/cuda:*-devel` images exist. Kept in code so cog2fal needs no data files at run time;
tests/writing/dockerfile/test_dockerfile_compat.py checks it against Cog's JSON files when they
are present (`COG2FAL_COMPAT_DATA` names their folder).
"""

from __future__ import annotations

from dataclasses import dataclass

PYTORCH_INDEX = "https://download.pytorch.org/whl"
DEFAULT_CUDA = "11.8"  # Cog's default when neither cuda nor a known torch pin says otherwise


@dataclass(frozen=True)
class TorchRelease:
    torch: str
    torchvision: str
    torchaudio: str
    pythons: tuple[str, ...]
    index_cudas: tuple[str, ...]  # CUDA builds published on download.pytorch.org/whl/cuXY
    pypi_cuda: str | None = None  # CUDA of the default wheel on PyPI, when Cog lists it

    @property
    def cudas(self) -> tuple[str, ...]:
        extra = (self.pypi_cuda,) if self.pypi_cuda else ()
        return tuple(sorted(self.index_cudas + extra, key=_key))


def _pythons(first: str, last: str) -> tuple[str, ...]:
    low, high = int(first.split(".")[1]), int(last.split(".")[1])
    return tuple(f"3.{minor}" for minor in range(low, high + 1))


_P310, _P311, _P312 = _pythons("3.10", "3.10"), _pythons("3.10", "3.11"), _pythons("3.10", "3.12")
_P313, _P314 = _pythons("3.10", "3.13"), _pythons("3.10", "3.14")

# torch, torchvision, torchaudio, Pythons, CUDA builds on the PyTorch index, PyPI wheel CUDA.
_TORCH_ROWS: tuple[tuple[str, str, str, tuple[str, ...], str, str | None], ...] = (
    ("1.11.0", "0.12.0", "0.11.0", _P310, "10.2 11.3", None),
    ("1.12.0", "0.13.0", "0.12.0", _P310, "10.2 11.3 11.6", None),
    ("1.12.1", "0.13.1", "0.12.1", _P310, "10.2 11.3 11.6", None),
    ("1.13.0", "0.14.0", "0.13.0", _P310, "11.6 11.7", None),
    ("1.13.1", "0.14.1", "0.13.1", _P310, "11.6 11.7", None),
    ("2.0.0", "0.15.1", "2.0.1", _P311, "11.8", "11.7"),
    ("2.0.1", "0.15.2", "2.0.2", _P311, "11.8", "11.7"),
    ("2.1.0", "0.16.0", "2.1.0", _P311, "11.8 12.1", None),
    ("2.1.1", "0.16.1", "2.1.1", _P311, "11.8 12.1", None),
    ("2.1.2", "0.16.2", "2.1.2", _P311, "11.8 12.1", None),
    ("2.2.0", "0.17.0", "2.2.0", _P312, "11.8 12.1", None),
    ("2.2.1", "0.17.1", "2.2.1", _P312, "11.8 12.1", None),
    ("2.2.2", "0.17.2", "2.2.2", _P312, "11.8 12.1", None),
    ("2.3.0", "0.18.0", "2.3.0", _P312, "11.8 12.1", None),
    ("2.3.1", "0.18.1", "2.3.1", _P312, "11.8 12.1", None),
    ("2.4.0", "0.19.0", "2.4.0", _P312, "11.8 12.1 12.4", None),
    ("2.4.1", "0.19.1", "2.4.1", _P312, "11.8 12.1 12.4", None),
    ("2.5.0", "0.20.0", "2.5.0", _P312, "11.8 12.1 12.4", None),
    ("2.5.1", "0.20.1", "2.5.1", _P312, "11.8 12.1 12.4", None),
    ("2.6.0", "0.21.0", "2.6.0", _P313, "11.8 12.4 12.6", None),
    ("2.7.0", "0.22.0", "2.7.0", _P313, "11.8 12.6 12.8", None),
    ("2.7.1", "0.22.1", "2.7.1", _P313, "11.8 12.6 12.8", None),
    ("2.8.0", "0.23.0", "2.8.0", _P313, "12.6 12.8 12.9", None),
    ("2.9.0", "0.24.0", "2.9.0", _P314, "12.6 12.8 13.0", None),
    ("2.9.1", "0.24.1", "2.9.1", _P314, "12.6 12.8 13.0", None),
    ("2.10.0", "0.25.0", "2.10.0", _P314, "12.6 12.8 13.0", None),
    ("2.11.0", "0.26.0", "2.11.0", _P314, "12.6 12.8 12.9 13.0", None),
)

TORCH_RELEASES: tuple[TorchRelease, ...] = tuple(
    TorchRelease(torch, vision, audio, pythons, tuple(cudas.split()), pypi)
    for torch, vision, audio, pythons, cudas, pypi in _TORCH_ROWS
)

# CUDA release → (cuDNN major, Ubuntu releases with an `nvidia/cuda:<ver>-cudnn…-devel` image).
_CUDA_ROWS: tuple[tuple[str, int, str], ...] = (
    ("11.0.3", 8, "16.04 18.04 20.04"), ("11.1.1", 8, "16.04 18.04 20.04"),
    ("11.2.2", 8, "16.04 18.04 20.04"), ("11.3.1", 8, "16.04 18.04 20.04"),
    ("11.4.3", 8, "18.04 20.04"), ("11.5.2", 8, "18.04 20.04"), ("11.6.1", 8, "20.04"),
    ("11.6.2", 8, "18.04 20.04"), ("11.7.1", 8, "18.04 20.04 22.04"),
    ("11.8.0", 8, "18.04 20.04 22.04"), ("12.0.0", 8, "18.04 20.04 22.04"),
    ("12.0.1", 8, "18.04 20.04 22.04"), ("12.1.0", 8, "20.04 22.04"),
    ("12.1.1", 8, "20.04 22.04"), ("12.2.2", 8, "20.04 22.04"), ("12.3.2", 9, "20.04 22.04"),
    ("12.4.1", 9, "20.04 22.04"), ("12.5.1", 9, "20.04 22.04"),
    ("12.6.0", 9, "20.04 22.04 24.04"), ("12.6.1", 9, "20.04 22.04 24.04"),
    ("12.6.2", 9, "20.04 22.04 24.04"), ("12.6.3", 9, "20.04 22.04 24.04"),
    ("12.8.0", 9, "20.04 22.04 24.04"), ("12.8.1", 9, "20.04 22.04 24.04"),
    ("12.9.0", 9, "20.04 22.04 24.04"), ("12.9.1", 9, "20.04 22.04 24.04"),
    ("13.0.0", 9, "22.04 24.04"), ("13.0.1", 9, "22.04 24.04"), ("13.0.2", 9, "22.04 24.04"),
    ("13.0.3", 9, "22.04 24.04"), ("13.1.1", 9, "22.04 24.04"), ("13.1.2", 9, "22.04 24.04"),
    ("13.2.0", 9, "22.04 24.04"), ("13.2.1", 9, "22.04 24.04"),
)
PREFERRED_UBUNTU = "22.04"  # Cog's default; every CUDA from 11.7 on has it


@dataclass(frozen=True)
class CudaImage:
    cuda: str  # full release, e.g. 11.8.0
    cudnn: str
    ubuntu: str

    @property
    def tag(self) -> str:
        # From CUDA 12.4 on, NVIDIA's cuDNN 9 tags no longer name the cuDNN major.
        cudnn = "cudnn" if _key(self.cuda) >= _key("12.4") else f"cudnn{self.cudnn}"
        return f"{self.cuda}-{cudnn}-devel-ubuntu{self.ubuntu}"

    @property
    def image(self) -> str:
        return f"nvidia/cuda:{self.tag}"


CUDA_IMAGES: tuple[CudaImage, ...] = tuple(
    CudaImage(cuda, str(cudnn), ubuntu)
    for cuda, cudnn, ubuntus in _CUDA_ROWS for ubuntu in ubuntus.split()
)


def _key(version: str) -> tuple[int, ...]:
    """Numeric sort key; tolerant of junk so a strange cog.yaml never crashes a sort."""
    parts = []
    for piece in version.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def major_minor(version: str) -> str:
    return ".".join(version.strip().split(".")[:2])


def strip_local(version: str) -> str:
    """`2.3.1+cu118` → `2.3.1`: the wheel index, not the local tag, picks the CUDA build."""
    return version.split("+", 1)[0]


def _matches(requested: str, release: str) -> bool:
    """Cog's `version.Matches`: `2.3` matches `2.3.x`, `2.3.1` only itself."""
    want = _key(strip_local(requested))
    return _key(release)[: len(want)] == want


def torch_release(version: str) -> TorchRelease | None:
    """The newest release matching a torch pin (`2.3` → 2.3.1), or None when Cog does not list it."""
    found = [r for r in TORCH_RELEASES if _matches(version, r.torch)]
    return max(found, key=lambda r: _key(r.torch)) if found else None


def torch_for_torchvision(version: str) -> TorchRelease | None:
    found = [r for r in TORCH_RELEASES if _matches(version, r.torchvision)]
    return max(found, key=lambda r: _key(r.torch)) if found else None


def newest_cuda(release: TorchRelease) -> str:
    return release.cudas[-1]


def wheel_cuda(release: TorchRelease, cuda: str) -> str | None:
    """Cog's rule: the highest CUDA build of this torch not newer than the requested CUDA."""
    limit = _key(major_minor(cuda))
    fitting = [c for c in release.cudas if _key(c) <= limit]
    return fitting[-1] if fitting else None


def cuda_index_url(cuda: str) -> str:
    return f"{PYTORCH_INDEX}/cu{major_minor(cuda).replace('.', '')}"


def cpu_index_url() -> str:
    return f"{PYTORCH_INDEX}/cpu"


def cuda_image(cuda: str, cudnn: str | None = None) -> CudaImage | None:
    """The devel image for a CUDA version (`11.8` → newest 11.8.x), preferring Ubuntu 22.04."""
    want = cuda.strip()
    exact = len(want.split(".")) >= 3
    found = [img for img in CUDA_IMAGES
             if (img.cuda == want if exact else major_minor(img.cuda) == major_minor(want))]
    if cudnn:
        found = [img for img in found if img.cudnn == str(cudnn).split(".")[0]]
    if not found:
        return None
    newest = max(_key(img.cuda) for img in found)
    found = [img for img in found if _key(img.cuda) == newest]
    preferred = [img for img in found if img.ubuntu == PREFERRED_UBUNTU]
    return (preferred or sorted(found, key=lambda img: _key(img.ubuntu)))[-1]
