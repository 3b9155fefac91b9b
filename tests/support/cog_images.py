"""Cog-shaped images made locally with `docker import`, one era of labels at a time.

No registry is reachable from the tests and no Cog build runs here, so an image is assembled the
way Cog lays it out (reference/cog-images.md): the project in /src, the labels of its era on the
image config, Cog's ENTRYPOINT/CMD/WORKDIR. Nothing in it ever runs.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

import yaml

COMMAND = ['WORKDIR /src', 'EXPOSE 5000', 'ENTRYPOINT ["/sbin/tini","--"]',
           'CMD ["python","-m","cog.server.http"]']


def go_json(value: Any) -> str:
    """Compact JSON as Go's json.Marshal writes it (HTML characters escaped)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def label_change(name: str, value: str) -> str:
    """A `LABEL` instruction for `docker import --change`: quoted, `$` kept literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$")
    return f'LABEL {name}="{escaped}"'


def normalised_config(cog_yaml: Path, python_default: str = "3.12") -> dict[str, Any]:
    """cog.yaml as Cog's normaliser writes it into the config label: `build.run` items as
    objects, a top-level `run:` as `predict`, python_version filled in."""
    text = cog_yaml.read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    build = dict(data.get("build") or {})
    # Go reads the scalar as written into a string field: `3.10` stays "3.10".
    raw_build = (yaml.load(text, Loader=yaml.BaseLoader) or {}).get("build") or {}
    build["python_version"] = raw_build.get("python_version") or python_default
    if build.get("run"):
        build["run"] = [item if isinstance(item, dict) else {"command": item} for item in build["run"]]
    config: dict[str, Any] = {"build": build}
    for key in ("image", "model", "predict", "train", "concurrency", "environment", "weights"):
        if key == "predict" and "run" in data and "predict" not in data:
            config["predict"] = data["run"]
        elif key in data:
            config[key] = data[key]
    return config


def era_labels(era: str, config: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, str]:
    """The labels a Cog of `era` writes: `0.8` (org.cogmodel.* only), `0.16`, `0.20`."""
    if era == "0.8":
        labels = {"org.cogmodel.config": go_json(config), "org.cogmodel.cog_version": "0.8.3",
                  "org.cogmodel.deprecated": "true"}
        if schema is not None:
            labels["org.cogmodel.openapi_schema"] = go_json(schema)
        return labels
    version = {"0.16": "0.16.12", "0.20": "0.20.1"}[era]
    labels = {"run.cog.version": version, "run.cog.config": go_json(config), "run.cog.has_init": "true",
              "run.cog.push_id": "0190f5c2-7b1e-7cc0-9f3a-2f5b9d1e4a10"}
    if schema is not None:
        labels["run.cog.openapi_schema"] = go_json(schema)
    return labels


def staging_files(schema: dict[str, Any] | None) -> dict[str, bytes]:
    """What Cog 0.9–0.19 leaves in /src/.cog: its build's staging folder and the schema file."""
    files = {".cog/tmp/build20240611T101500/cog-0.16.12-py3-none-any.whl": b"PK\x03\x04 not a wheel",
             ".cog/tmp/build20240611T101500/requirements.txt": b"cog==0.16.12\n"}
    if schema is not None:
        files[".cog/openapi_schema.json"] = json.dumps(schema).encode()
    return files


def src_tar(project: Path | None, *, cog_yaml: bool = True, extra: dict[str, bytes] | None = None,
            links: dict[str, str] | None = None, top: str = "src") -> bytes:
    """A root file system holding `/src`: the project's files as `COPY . /src` puts them."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        folder = tarfile.TarInfo(top)
        folder.type, folder.mode = tarfile.DIRTYPE, 0o755
        archive.addfile(folder)
        if project is not None:
            for path in sorted(project.rglob("*")):
                relative = path.relative_to(project).as_posix()
                if "__pycache__" in path.parts or path.suffix == ".pyc":
                    continue
                if relative == "cog.yaml" and not cog_yaml:
                    continue
                archive.add(path, arcname=f"{top}/{relative}", recursive=False)
        for relative, data in (extra or {}).items():
            info = tarfile.TarInfo(f"{top}/{relative}")
            info.size, info.mode = len(data), 0o644
            archive.addfile(info, io.BytesIO(data))
        for relative, target in (links or {}).items():
            info = tarfile.TarInfo(f"{top}/{relative}")
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return buffer.getvalue()


def import_image(client: Any, tag: str, rootfs: bytes, labels: dict[str, str]) -> str:
    """`docker import` with `--change` lines; returns the tag."""
    repository, _, version = tag.rpartition(":")
    changes = [label_change(k, v) for k, v in labels.items()] + COMMAND
    client.api.import_image_from_data(rootfs, repository=repository, tag=version, changes=changes)
    image = client.images.get(tag)
    assert (image.labels or {}) == labels, "the engine changed a label on the way in"
    return tag
