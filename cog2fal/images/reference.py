"""Telling an image reference from a project folder on the command line.

`convert` and `inspect` take either. The rule, in order:

1. `--image` says it is an image reference (it must then parse as one);
2. a path that exists (a folder, or a cog.yaml) is a project;
3. text that parses as an image reference *and* names a registry host, a tag or a digest
   (`r8.im/owner/model`, `model:latest`, `owner/model@sha256:…`) is an image;
4. anything else is a project path, so a mistyped folder name is reported as a missing folder
   rather than pulled from Docker Hub (use `--image` for a bare `owner/model`).

The grammar is Docker's own (github.com/distribution/reference): lowercase path components
joined by `/`, an optional `host[:port]` first component, `:tag`, `@algorithm:hex`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST_PART = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_HOST_PART}(?:\.{_HOST_PART})*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REFERENCE = re.compile(
    rf"^(?:(?P<domain>{_DOMAIN})/)?(?P<path>{_COMPONENT}(?:/{_COMPONENT})*)"
    rf"(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)
_NAME_LIMIT = 255


@dataclass(frozen=True)
class ImageReference:
    """A parsed `[domain/]path[:tag][@digest]`; `domain` is None for Docker Hub names."""

    domain: str | None
    path: str
    tag: str | None
    digest: str | None

    @property
    def repository(self) -> str:
        return f"{self.domain}/{self.path}" if self.domain else self.path

    @property
    def name(self) -> str:
        """The last path component: `r8.im/owner/sdxl@sha256:…` → `sdxl`."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def explicit(self) -> bool:
        """Names a registry, a tag or a digest: cannot be mistaken for a folder name."""
        return bool(self.domain or self.tag or self.digest)

    def __str__(self) -> str:
        text = self.repository
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text


def parse_reference(text: str) -> ImageReference | None:
    """The reference `text` spells, or None when it is not one."""
    match = _REFERENCE.match(text)
    if match is None:
        return None
    domain, path = match["domain"], match["path"]
    # Docker reads the first component as a host only when it looks like one.
    if domain is not None and not ("." in domain or ":" in domain or domain == "localhost"
                                   or domain != domain.lower()):
        path = f"{domain}/{path}"
        domain = None
    reference = ImageReference(domain, path, match["tag"], match["digest"])
    if len(reference.repository) > _NAME_LIMIT:
        return None
    return reference


def image_argument(text: str, *, forced: bool = False) -> ImageReference | None:
    """The image a command-line argument names, or None when it names a project path."""
    if forced:
        return parse_reference(text)
    if Path(text).exists():
        return None
    reference = parse_reference(text)
    return reference if reference is not None and reference.explicit else None
