"""`--base-image`: the fal image starts FROM the original Cog image, pinned by digest.

The model then runs in the exact environment Replicate ran (Python, CUDA, every package and
system library as built), and the Dockerfile adds only what fal needs: curl, the converted code
in /src, and fal installed with the image's own Python and installer. What that costs is
reported: the base's size and Cog's runtime, which stays inside (unused).

Where Python lives and how to install into it is read from the image's config, never by running
it (reference/cog-images.md): `UV_SYSTEM_PYTHON` in the environment means a uv-built image (Cog
0.17+), which has uv but no pip on PATH, and `python3` where older ones have `python`;
otherwise (python:X-slim CPU bases, pyenv CUDA bases) `python -m pip` is the image's installer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.console import Console

from cog2fal.errors import CogProjectError
from cog2fal.images.engine import connect, docker_sdk, short_reason
from cog2fal.images.reference import parse_reference

VERSION_LABELS = ("run.cog.version", "org.cogmodel.cog_version")


@dataclass
class BaseImage:
    reference: str  # as given
    pinned: str  # what FROM names: `repository@sha256:…` when the engine knows a digest
    digest: str | None
    size: int  # bytes, from the engine
    cog_version: str | None
    installer: str  # "pip" | "uv"

    @property
    def install_fal(self) -> str:
        if self.installer == "uv":
            return "RUN uv pip install --system --no-cache fal"
        return "RUN python -m pip install --no-cache-dir fal"

    def dockerfile(self) -> str:
        """FROM the Cog image; curl when it lacks it; the converted code over /src; fal last."""
        return "\n".join([
            f"FROM {self.pinned}",
            "RUN command -v curl >/dev/null || (apt-get update -qq && apt-get install -qqy "
            "--no-install-recommends curl ca-certificates && rm -rf /var/lib/apt/lists/*)",
            "WORKDIR /src",
            "COPY . /src",
            "ENV PYTHONPATH=/src",
            self.install_fal,
            "",
        ])

    def cost(self) -> str:
        """One sentence for MIGRATION.md and the terminal."""
        from cog2fal.images.build import human_size

        pinned = ("pinned by digest" if self.digest else
                  "not pinned: the engine knows no registry digest for it, so FROM names the tag")
        runtime = (f"Cog {self.cog_version}'s runtime stays inside, unused"
                   if self.cog_version else "Cog's runtime stays inside, unused")
        installer = "uv" if self.installer == "uv" else "the image's pip"
        return (f"the image starts FROM the Cog image {self.reference} ({pinned}): "
                f"{human_size(self.size)} before fal is added; {runtime}; fal installed with {installer}")

    def facts(self) -> dict[str, Any]:
        return {"reference": self.reference, "from": self.pinned, "digest": self.digest,
                "size_bytes": self.size, "cog_runtime_left_inside": self.cog_version or True,
                "installer": self.installer}


def resolve_base_image(reference: str, *, client: Any = None, console: Console | None = None) -> BaseImage:
    """The Cog image through the SDK (pulled when not local), pinned by its registry digest."""
    parsed = parse_reference(reference)
    if parsed is None:
        raise CogProjectError("not an image reference", reference)
    client = client or connect()
    docker = docker_sdk()
    try:
        image = client.images.get(reference)
    except docker.errors.ImageNotFound:
        from cog2fal.images.pull import pull_image

        image = pull_image(client, parsed, console)
    except docker.errors.APIError as exc:
        raise CogProjectError(f"cannot read the image: {short_reason(exc)}", reference) from None
    return describe_base_image(reference, image.attrs)


def describe_base_image(reference: str, attrs: dict[str, Any]) -> BaseImage:
    """A BaseImage from the engine's `image inspect` data (pure: tests feed it by hand too)."""
    parsed = parse_reference(reference)
    repository = parsed.repository if parsed else reference
    config = attrs.get("Config") or {}
    labels = config.get("Labels") or {}
    env = dict(item.partition("=")[::2] for item in config.get("Env") or [])
    digest = parsed.digest if parsed else None
    if digest is None:
        # RepoDigests exist for images pulled from (or pushed to) a registry: `repo@sha256:…`.
        for entry in attrs.get("RepoDigests") or []:
            name, _, candidate = entry.partition("@")
            if name == repository or len(attrs["RepoDigests"]) == 1:
                repository, digest = name, candidate
                break
    pinned = f"{repository}@{digest}" if digest else reference
    cog_version = next((labels[name] for name in VERSION_LABELS if labels.get(name)), None)
    installer = "uv" if env.get("UV_SYSTEM_PYTHON") else "pip"
    return BaseImage(reference, pinned, digest, int(attrs.get("Size") or 0), cog_version, installer)
