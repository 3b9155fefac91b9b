"""`cog2fal dockerfile`: a Dockerfile for fal's ContainerImage, cleaned or generated."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from cog2fal.errors import CogProjectError, GivenPathError, placed, unreadable_reason
from cog2fal.output import check_replaceable, write_files
from cog2fal.reading.config import find_config, read_config
from cog2fal.writing.dockerfile import REQUIREMENTS_FILE, fal_container_dockerfile


def _cog_debug(root: Path) -> str | None:
    """`cog debug` output when a cog CLI is on PATH and works (it needs a Docker daemon)."""
    cog = shutil.which("cog")
    if cog is None:
        return None
    try:
        done = subprocess.run([cog, "debug"], cwd=root, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 and done.stdout.strip() else None


DOCKERFILE = "Dockerfile"  # the file written into a folder given as --out


def run_dockerfile(model_dir: Path, source: str | None, out: Path | None, as_json: bool,
                   build: bool = False, tag: str | None = None, force: bool = False) -> int:
    """`out`: the Dockerfile's path (an existing folder: `Dockerfile` in it), with the
    requirements.txt it COPYs beside it; files that are there and differ need `force`."""
    try:
        config_path = find_config(model_dir)
        config = read_config(config_path, config_path.name)
    except CogProjectError as error:
        raise placed(error, model_dir) from None
    root = config_path.parent
    origin = "generated from cog.yaml"
    if source == "-":
        text: str | None = sys.stdin.read()
        origin = "cleaned from standard input"
    elif source is not None:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GivenPathError(f"cannot read: {unreadable_reason(exc)}", source) from None
        origin = f"cleaned from {source}"
    else:
        text = _cog_debug(root)
        if text is not None:
            origin = "cleaned from `cog debug`"
    result = fal_container_dockerfile(root, config, text)
    if out is not None:
        if out.is_dir():
            out = out / DOCKERFILE
        written = {out: result.text.encode("utf-8")}
        if result.requirements_txt:
            written[out.parent / REQUIREMENTS_FILE] = result.requirements_txt.encode("utf-8")
        check_replaceable(written, force)
        write_files(written)
    built = _build(root, result, out, tag) if build else None
    if as_json:
        print(json.dumps({
            "source": origin,
            "dockerfile": result.text,
            "requirements_txt": result.requirements_txt,
            "out": str(out) if out else None,
            "changes": [{"action": c.action, "line": c.line, "before": c.before, "after": c.after,
                         "reason": c.reason} for c in result.changes],
            **({"build": built} if built is not None else {}),
        }, indent=2))
    elif out is None:
        sys.stdout.write(result.text)
        sys.stderr.write(f"# {origin}; {len(result.changes)} lines removed, changed or added")
        if result.requirements_txt:
            sys.stderr.write(f"; the Dockerfile COPYs {REQUIREMENTS_FILE}: write it with --out\n")
        else:
            sys.stderr.write("\n")
    else:
        removed = sum(c.action == "removed" for c in result.changes)
        also = f" and {out.parent / REQUIREMENTS_FILE}" if result.requirements_txt else ""
        changed = len(result.changes) - removed
        print(f"Wrote {out}{also} ({origin}; {removed} Cog runtime lines removed, "
              f"{changed} changed or added)")
    return 0


def _build(root: Path, result, out: Path | None, tag: str | None) -> dict:
    """`--build`: the project folder is the context, with the requirements.txt written for it."""
    from cog2fal.images.build import default_tag
    from cog2fal.images.build_app import build_and_check

    extra = {REQUIREMENTS_FILE: result.requirements_txt} if result.requirements_txt else {}
    return build_and_check(root, result.text, tag or default_tag(root.resolve().name),
                           extra_files=extra, where=str(out) if out else "Dockerfile", converted=False)
