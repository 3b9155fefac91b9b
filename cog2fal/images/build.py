"""Building a container app's image through the Docker SDK, with the engine's own builder.

The SDK speaks the engine's classic (legacy) build API, which knows no BuildKit syntax. Cache
mounts (`RUN --mount=type=cache`) only speed a build up, so they are dropped for it; everything
else BuildKit-only (secret, ssh and bind mounts, `--chmod`, heredocs) is refused with the line that
needs it, since building without it would give a different image or none.

The build context is made here: the folder's files filtered by its `.dockerignore` (the SDK's own
matcher), plus the Dockerfile and any files cog2fal wrote for it (requirements.txt), which win
over files of the same name. The Dockerfile is listed in the context's `.dockerignore`, so the
engine drops it before `COPY . /src` and the image holds only what fal's build would ship.
"""

from __future__ import annotations

import collections
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from cog2fal.errors import CogProjectError
from cog2fal.images.engine import connect, docker_sdk, short_reason
from cog2fal.writing.dockerfile.instructions import split_instructions

DOCKERFILE_NAME = ".cog2fal.Dockerfile"
TAIL_LINES = 6
_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")  # the classic builder colours a step's stderr
_BUILDER_CHATTER = re.compile(r"^\s*(---> |Removing intermediate container |Successfully )")
_HEREDOC = re.compile(r"<<-?\s*['\"]?[A-Za-z_]")  # `RUN <<EOF` / `COPY <<EOF /file`: BuildKit only
_BUILDKIT_FLAGS = {"--chmod": "COPY/ADD --chmod", "--link": None, "--parents": "COPY --parents",
                   "--exclude": "COPY --exclude", "--checksum": "ADD --checksum",
                   "--keep-git-dir": "ADD --keep-git-dir", "--security": "RUN --security",
                   "--network": "RUN --network"}


@dataclass
class LegacyDockerfile:
    text: str
    dropped: list[str] = field(default_factory=list)  # "line N: --mount=type=cache,..." notes


@dataclass
class BuiltImage:
    tag: str
    image_id: str
    size: int  # bytes, as the engine reports it
    seconds: float
    dropped: list[str] = field(default_factory=list)
    shipped: list[str] = field(default_factory=list)  # the context's files, as COPY . /src sees them

    def facts(self) -> dict[str, Any]:
        return {"tag": self.tag, "id": self.image_id, "size_bytes": self.size,
                "seconds": round(self.seconds, 1), "dropped_for_the_legacy_builder": self.dropped}


def legacy_dockerfile(text: str, where: str = "Dockerfile", first_line: int = 1) -> LegacyDockerfile:
    """`text` as the classic builder can build it: cache mounts and `--link` dropped, line for line.

    `where` and `first_line` place refusals in the file the user has (fal_app.py's DOCKERFILE
    string starts a few lines in)."""
    out_lines = text.split("\n")
    dropped: list[str] = []
    for instruction in split_instructions(text):
        if instruction.keyword in ("", "#"):
            continue
        line = first_line + instruction.line - 1
        if _HEREDOC.match(instruction.body):
            raise _needs_buildkit("a heredoc", where, line)
        for flag in instruction.flags:
            name = flag.partition("=")[0]
            if name == "--mount":
                options = dict(p.partition("=")[::2] for p in flag[len("--mount="):].split(","))
                kind = options.get("type", "bind")
                if kind != "cache":
                    raise _needs_buildkit(f"RUN --mount=type={kind}", where, line)
            elif name in _BUILDKIT_FLAGS and _BUILDKIT_FLAGS[name] is not None:
                raise _needs_buildkit(_BUILDKIT_FLAGS[name], where, line)
            elif name != "--link":
                continue
            index = instruction.line - 1
            out_lines[index] = out_lines[index].replace(f"{flag} ", "", 1)
            dropped.append(f"line {line}: {flag}")
    return LegacyDockerfile("\n".join(out_lines), dropped)


def _needs_buildkit(what: str, where: str, line: int) -> CogProjectError:
    return CogProjectError(
        f"{what} needs BuildKit, which the Docker SDK's builder does not speak: build this "
        "Dockerfile with `docker buildx build` (see docs/container.md)", where, line)


def build_context(root: Path, dockerfile: str, extra_files: dict[str, str]) -> tuple[Any, list[str]]:
    """The context tar (a temporary file): `root` filtered by its .dockerignore, plus our files;
    and the files `COPY . /src` will see in it."""
    from docker.utils.build import create_archive, exclude_paths

    ignore = root / ".dockerignore"
    patterns = _ignore_patterns(ignore.read_text(encoding="utf-8")) if ignore.is_file() else []
    files = exclude_paths(str(root), list(patterns), dockerfile=DOCKERFILE_NAME)
    # The engine removes the Dockerfile (and .dockerignore, when it ignores itself) from the
    # context when .dockerignore lists them, as the docker CLI arranges.
    own_ignore = patterns + ([] if ignore.is_file() else [".dockerignore"]) + [DOCKERFILE_NAME]
    extra = {**extra_files, DOCKERFILE_NAME: dockerfile, ".dockerignore": "\n".join(own_ignore) + "\n"}
    kept = sorted(f for f in files if f not in extra)
    shipped = sorted({f for f in kept if (root / f).is_file() or (root / f).is_symlink()} | set(extra_files)
                     | ({".dockerignore"} & set(files)))
    return create_archive(str(root), files=kept, extra_files=sorted(extra.items())), shipped


def _ignore_patterns(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def default_tag(name: str) -> str:
    """A local tag from a project or app name: `cog2fal/<name>:latest`, in Docker's alphabet."""
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._") or "app"
    return f"cog2fal/{slug}:latest"


def build_image(root: Path, dockerfile: str, tag: str, *, extra_files: dict[str, str] | None = None,
                where: str = "Dockerfile", first_line: int = 1,
                console: Console | None = None, client: Any = None) -> BuiltImage:
    """Builds `dockerfile` with `root` as its context and tags it; a failure is one line naming
    the failing instruction (at `where`:line) and the tail of its output."""
    console = console or Console(stderr=True, highlight=False)
    legacy = legacy_dockerfile(dockerfile, where, first_line)
    steps = [i for i in split_instructions(legacy.text) if i.keyword not in ("", "#")]
    client = client or connect()
    docker = docker_sdk()
    started = time.monotonic()
    context, shipped = build_context(root, legacy.text, extra_files or {})
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    step = 0
    image_id = None
    console.print(f"[bold]Building[/] {escape(tag)} from {escape(str(root))} (network: host)")
    for note in legacy.dropped:
        console.print(f"  [dim]dropped for the SDK's builder (a cache only): {escape(note)}[/]",
                      soft_wrap=True)
    try:
        with context, console.status("starting the build") as status:
            for chunk in client.api.build(fileobj=context, custom_context=True, tag=tag, rm=True,
                                          forcerm=True, decode=True, network_mode="host",
                                          pull=False, dockerfile=DOCKERFILE_NAME,
                                          # the image last built under this tag lends its layers,
                                          # even when it came from `docker load` (no parent chain)
                                          cache_from=[tag]):
                if "error" in chunk:
                    raise _failure(chunk, steps, step, tail, where, first_line)
                if "aux" in chunk and isinstance(chunk["aux"], dict):
                    image_id = chunk["aux"].get("ID", image_id)
                for line in str(chunk.get("stream", "")).splitlines():
                    line = line.rstrip()
                    match = _STEP.match(line)
                    if match:
                        step = int(match.group(1))
                        tail.clear()
                        console.print(f"  [cyan]{escape(line)}[/]", soft_wrap=True)
                        status.update(escape(line[:100]))
                    elif line.strip() and not _BUILDER_CHATTER.match(_ANSI.sub("", line)):
                        tail.append(_ANSI.sub("", line))
                        status.update(f"[dim]{escape(line.strip()[:100])}[/]")
    except (docker.errors.APIError, docker.errors.BuildError) as exc:
        raise CogProjectError(f"the engine refused the build: {short_reason(exc)}", where) from None
    if image_id is None:
        raise CogProjectError("the build ended without an image", where)
    image = client.images.get(tag)
    built = BuiltImage(tag, image.id, int(image.attrs.get("Size") or 0), time.monotonic() - started,
                       legacy.dropped, shipped)
    console.print(f"[bold green]Built[/] {escape(tag)} ({image.short_id}, {human_size(built.size)}, "
                  f"{built.seconds:.0f} s)")
    return built


def _failure(chunk: dict[str, Any], steps: list, step: int, tail: collections.deque[str],
             where: str, first_line: int) -> CogProjectError:
    message = " ".join(str(chunk.get("error", "")).split())
    if 0 < step <= len(steps):
        instruction = steps[step - 1]
        shown = " ".join(instruction.text.split())
        shown = shown if len(shown) <= 120 else shown[:119] + "…"
        output = " | ".join(line.strip() for line in tail if line.strip())
        text = f"build failed at `{shown}`: {message}" + (f"; output: {output}" if output else "")
        return CogProjectError(text, where, first_line + instruction.line - 1)
    return CogProjectError(f"build failed: {message}", where)


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
