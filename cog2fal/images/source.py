"""A Cog project rebuilt from a Cog image, without running the image.

The image is pulled when it is not local, its labels are read, and its `/src` is exported from
a container that is created and removed, never started. The project is rebuilt in a temporary
folder: `/src` as Cog copied it (minus the `.cog/` staging folder), with `/src/cog.yaml` when
the image has one, else a cog.yaml written from the config label. That folder then converts
exactly as the original project folder does.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from cog2fal.errors import CogProjectError, GivenPathError
from cog2fal.images.archive import Extracted, extract_folder
from cog2fal.images.config_yaml import cog_yaml_text
from cog2fal.images.engine import connect, docker_sdk, short_reason
from cog2fal.images.labels import CogLabels, read_labels
from cog2fal.images.pull import pull_image
from cog2fal.images.reference import ImageReference
from cog2fal.reading.published_schema import PublishedSchema, published_schema

INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",
               "application/vnd.docker.distribution.manifest.list.v2+json")
MANAGED_WEIGHTS = ".cog/weights.json"


@dataclass
class ImageProject:
    reference: ImageReference
    folder: Path  # the rebuilt Cog project; gone when the context ends
    image_id: str
    labels: CogLabels
    pulled: bool
    cog_yaml_from_label: bool
    extracted: Extracted = field(default_factory=Extracted)

    @property
    def published(self) -> PublishedSchema | None:
        if self.labels.schema is None:
            return None
        source = f"the image's {self.labels.schema_label} label"
        try:
            return published_schema(self.labels.schema, source)
        except CogProjectError as error:
            raise CogProjectError(error.message, str(self.reference)) from None

    def notes(self) -> list[str]:
        """One line each, for the terminal: what was read and what was left out."""
        cog = f"Cog {self.labels.cog_version}" if self.labels.cog_version else "an unknown Cog version"
        yaml_from = f"written from the {self.labels.config_label} label" if self.cog_yaml_from_label \
            else "from /src"
        lines = [f"image {self.reference} ({self.image_id[:19]}), built by {cog}: /src exported "
                 f"({len(self.extracted.files)} files), cog.yaml {yaml_from}"]
        if self.extracted.staging:
            lines.append(f"dropped Cog's staging folder /src/.cog ({len(self.extracted.staging)} files)")
        lines += [f"not exported: /src/{path}: {why}" for path, why in self.extracted.skipped]
        return lines

    def facts(self) -> dict[str, Any]:
        """The image's part of the JSON report."""
        return {
            "reference": str(self.reference),
            "id": self.image_id,
            "pulled": self.pulled,
            "cog_version": self.labels.cog_version,
            "config_label": self.labels.config_label,
            "schema_label": self.labels.schema_label,
            "cog_yaml": "label" if self.cog_yaml_from_label else "/src",
            "files": len(self.extracted.files),
            "staging_dropped": sorted(self.extracted.staging),
            "not_exported": [{"path": f"/src/{path}", "reason": why}
                             for path, why in self.extracted.skipped],
        }

    def place(self, error: CogProjectError) -> CogProjectError:
        """An error about a file of the rebuilt project, placed in the image instead (an error
        about the output stays where the user said)."""
        if isinstance(error, GivenPathError):
            return error
        if error.file is None:
            return CogProjectError(error.message, str(self.reference), error.line)
        path = Path(error.file)
        try:
            relative = path.relative_to(self.folder).as_posix() if path.is_absolute() else path.as_posix()
        except ValueError:
            return error
        return CogProjectError(error.message, f"{self.reference}:/src/{relative}", error.line)


def _local_or_pulled(client: Any, reference: ImageReference, console: Console) -> tuple[Any, bool]:
    docker = docker_sdk()
    try:
        return client.images.get(str(reference)), False
    except docker.errors.ImageNotFound:
        return pull_image(client, reference, console), True
    except docker.errors.APIError as exc:
        raise CogProjectError(f"the engine cannot look the image up: {short_reason(exc)}",
                              str(reference)) from None


def _refuse_index(image: Any, where: str) -> None:
    """An OCI index (Cog 0.20+ managed weights push one) is not one file system to read."""
    media_type = (image.attrs.get("Descriptor") or {}).get("mediaType")
    if media_type in INDEX_TYPES and not image.attrs.get("Config"):
        raise CogProjectError("an OCI index, not an image: its weights are separate manifests "
                              "(Cog managed weights); convert from the project folder instead", where)


def _export_src(client: Any, image: Any, folder: Path, where: str) -> Extracted:
    docker = docker_sdk()
    container = None
    try:
        # Created to read its file system, never started: the entrypoint is never run.
        container = client.containers.create(image.id, entrypoint=["/cog2fal-never-started"],
                                             network_disabled=True, labels={"cog2fal": "export"})
        chunks, _stat = container.get_archive("/src")
        extracted = extract_folder(chunks, folder, where)
    except docker.errors.NotFound:
        extracted = Extracted()
    except docker.errors.APIError as exc:
        raise CogProjectError(f"cannot export /src: {short_reason(exc)}", where) from None
    finally:
        if container is not None:
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
    if not extracted.files:  # (WORKDIR /src makes the folder even when nothing was copied in)
        raise CogProjectError("the image has no project in /src (every Cog image copies its project "
                              "there)", where)
    return extracted


@contextlib.contextmanager
def image_project(reference: ImageReference, console: Console | None = None) -> Iterator[ImageProject]:
    """The image's Cog project in a temporary folder, for the duration of the `with`."""
    where = str(reference)
    console = console or Console(stderr=True)
    try:
        client = connect()
    except CogProjectError as error:
        raise CogProjectError(error.message, where) from None
    try:
        image, pulled = _local_or_pulled(client, reference, console)
        _refuse_index(image, where)
        labels = read_labels(image.labels, where)
        with tempfile.TemporaryDirectory(prefix="cog2fal-image-") as scratch:
            folder = Path(scratch) / "src"
            extracted = _export_src(client, image, folder, where)
            if MANAGED_WEIGHTS in extracted.staging:
                raise CogProjectError(
                    f"/src/{MANAGED_WEIGHTS}: the image uses Cog managed weights, pushed as an OCI "
                    "index whose weights are separate manifests; convert from the project folder "
                    "instead", where)
            from_label = not (folder / "cog.yaml").is_file()
            if from_label:
                if (folder / "cog.yaml").is_symlink() or (folder / "cog.yaml").exists():
                    raise CogProjectError("/src/cog.yaml is not a file", where)
                text = cog_yaml_text(labels.config, labels.config_label)
                (folder / "cog.yaml").write_text(text, encoding="utf-8")
            yield ImageProject(reference, folder, image.id, labels, pulled, from_label, extracted)
    finally:
        client.close()
