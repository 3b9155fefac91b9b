"""Dockerfile lines cog2fal writes itself: public base images, Python, apt, run items, the tail.

Shared by the generator and by the cleaner (which needs the same base when it replaces an
`r8.im/cog-base` image), so both produce the same lines for the same cog.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass

from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig, RunCommand
from cog2fal.writing.dockerfile import compat

APT_CACHE = "--mount=type=cache,target=/var/cache/apt,sharing=locked"
PIP_CACHE = "--mount=type=cache,target=/root/.cache/pip"
UV_IMAGE = "ghcr.io/astral-sh/uv:0.9.26"  # the uv image Cog 0.20+ pins
VENV = "/opt/venv"
DEFAULT_PYTHON = "3.12"  # Cog's default from 0.9.10 to 0.15
# Tools the base needs: curl for fal's container rules, git for `git+https` requirements.
BASE_TOOLS = ("curl", "ca-certificates", "git")
PREAMBLE = (
    "ENV DEBIAN_FRONTEND=noninteractive",
    "ENV PYTHONUNBUFFERED=1",
    "ENV LD_LIBRARY_PATH=$LD_LIBRARY_PATH:/usr/lib/x86_64-linux-gnu:/usr/local/nvidia/lib64:"
    "/usr/local/nvidia/bin",
    "ENV NVIDIA_DRIVER_CAPABILITIES=all",
)
LDCONFIG = ('RUN find / -type f -name "*python*.so" -printf "%h\\n" | sort -u > '
            "/etc/ld.so.conf.d/cog.conf && ldconfig")
REQUIREMENTS_COPY = "COPY requirements.txt /tmp/requirements.txt"
REQUIREMENTS_RUN = f"RUN {PIP_CACHE} pip install -r /tmp/requirements.txt"


@dataclass(frozen=True)
class Line:
    """A line cog2fal adds, with the reason the report gives for it."""

    text: str
    reason: str


@dataclass(frozen=True)
class Base:
    """The public base a model gets: its FROM image, and how Python and pip are reached."""

    image: str
    python: str
    gpu: bool
    note: str  # why this image, for the report


def apt_line(packages: list[str] | tuple[str, ...], *, no_recommends: bool = False) -> str:
    """Cog's B4 apt line (cache mount, quiet, lists removed)."""
    flag = " --no-install-recommends" if no_recommends else ""
    return (f"RUN {APT_CACHE} apt-get update -qq && apt-get install -qqy{flag} "
            f"{' '.join(packages)} && rm -rf /var/lib/apt/lists/*")


def python_version(config: CogConfig) -> tuple[str, str | None]:
    """(version, note): cog.yaml's python_version, or Cog's default with a note for the report."""
    if config.python_version:
        return str(config.python_version).strip(), None
    return DEFAULT_PYTHON, (f"build.python_version is not set: using {DEFAULT_PYTHON} (Cog's "
                            "default 0.9.10-0.15; earlier Cog used 3.8); set it in cog.yaml if "
                            "the model needs another")


def choose_base(config: CogConfig, torch: compat.TorchRelease | None, python: str,
                cuda_from: tuple[str, str] | None = None) -> Base:
    """GPU → nvidia/cuda devel image for the CUDA/cuDNN Cog would pick; CPU → python:X.Y-slim.

    `cuda_from` is (CUDA, where it comes from) when something other than cog.yaml decides it.
    """
    if not config.gpu:
        return Base(f"python:{python}-slim", python, False, f"CPU image for Python {python}")
    if cuda_from is not None:
        cuda, why = cuda_from
    elif config.cuda:
        cuda, why = config.cuda, "build.cuda"
    elif torch is not None:
        cuda, why = compat.newest_cuda(torch), f"newest CUDA torch {torch.torch} supports"
    else:
        cuda, why = compat.DEFAULT_CUDA, "Cog's default CUDA"
    image = compat.cuda_image(cuda, config.cudnn) or compat.cuda_image(cuda)
    if image is None:
        image = compat.cuda_image(compat.DEFAULT_CUDA)
        assert image is not None
        why = f"CUDA {cuda} has no nvidia/cuda devel image in Cog's matrix; using {compat.DEFAULT_CUDA}"
    elif config.cudnn and image.cudnn != str(config.cudnn).split(".")[0]:
        why += f"; no cuDNN {config.cudnn} image for CUDA {cuda}, using cuDNN {image.cudnn}"
    note = f"CUDA {image.cuda} from {why}, cuDNN {image.cudnn}, Python {python}"
    return Base(image.image, python, True, note)


def base_lines(base: Base) -> list[Line]:
    """FROM, Cog's preamble, curl/git, and on CUDA images Python in a uv-made venv with pip."""
    lines = [Line(f"FROM {base.image}", base.note)]
    lines += [Line(text, "Cog's image preamble") for text in PREAMBLE]
    lines.append(Line(apt_line(BASE_TOOLS, no_recommends=True),
                      "curl (fal's container rules) and git (git+https requirements)"))
    if base.gpu:
        why = f"Python {base.python} with pip on PATH (venv made by uv), as the CUDA image has none"
        lines += [
            Line(f"COPY --from={UV_IMAGE} /uv /uvx /usr/local/bin/", why),
            Line("ENV UV_PYTHON_INSTALL_DIR=/opt/uv/python", why),
            Line(f"RUN uv python install {base.python} && "
                 f"uv venv --seed --python {base.python} {VENV}", why),
            Line(f"ENV VIRTUAL_ENV={VENV}", why),
            Line(f'ENV PATH="{VENV}/bin:$PATH"', why),
        ]
    return lines


def run_item_line(item: RunCommand, config: CogConfig) -> str:
    """`RUN [--mount=type=secret,id=…,target=…] <command>`, as Cog renders a `run` item."""
    if "\n" in item.command:
        raise CogProjectError(
            "a `build.run` command contains a new line, which Cog rejects too; "
            "split it into separate list items", config.path, config.line_of("build.run"))
    mounts = [f"--mount=type=secret,id={m.get('id', '')},target={m.get('target', '')}"
              for m in item.mounts if m.get("type") == "secret"]
    return " ".join(["RUN", *mounts, item.command])


def fal_install(installer: str) -> str:
    return f"RUN {installer} --no-cache-dir fal"


def tail_lines(installer: str) -> list[Line]:
    """cog2fal's tail: the model's code at /src as under Cog, importable, then fal last."""
    why_src = "the model's code in the image at /src, as under Cog (fal ships no app_files to containers)"
    return [
        Line("WORKDIR /src", why_src),
        Line("COPY . /src", why_src),
        Line("ENV PYTHONPATH=/src", "makes the model's modules importable from any working folder"),
        Line(fal_install(installer),
             "fal's container rules: install fal last so pydantic/protobuf/boto3 match the SDK"),
    ]
