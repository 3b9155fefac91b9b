"""Container mode: the Cog build environment as a Dockerfile, inlined as the app's image.

The output folder is the build context: it holds the model code (copied to /src, as Cog did),
the regenerated requirements.txt the Dockerfile installs, and the app file. What this mode
decides comes back as a `Contribution`; the conversion merges it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cog2fal.codes import Code
from cog2fal.conversion import REPORT_FILE, Contribution, CopiedFile, FileContent
from cog2fal.project import CogConfig, Finding, Location
from cog2fal.reading.requirements import Requirements
from cog2fal.writing.dockerfile import REQUIREMENTS_FILE, fal_container_dockerfile
from cog2fal.writing.dockerfile.result import DockerfileResult

MODEL_ROOT = "/src"


def container_contribution(root: Path, config: CogConfig, requirements: Requirements, *,
                           app_file: str, cog_debug: str | None,
                           shipped: Mapping[str, FileContent], base_image: Any = None) -> Contribution:
    """The image, its build context files and the findings about them.

    `shipped` are the project's files as they would ship: the image's regenerated requirements.txt
    replaces the project's own. `base_image` (images.base_image.BaseImage, `--base-image`): the
    Dockerfile starts FROM the Cog image, which already holds the model's environment.
    """
    base = base_image
    if base is not None:
        result = DockerfileResult(base.dockerfile(), "")
    else:
        result = fal_container_dockerfile(root, config, cog_debug, requirements)
    # The app file is pickled at deploy time, never read in the image: editing it (or the report)
    # must not change the build context, or every deploy would rebuild the image.
    files = {".dockerignore": (
        f"# Not needed in the image: fal pickles the app class when it deploys.\n"
        f"{app_file}\n{REPORT_FILE}\n__pycache__/\n").encode()}
    findings = []
    if result.requirements_txt:
        original = shipped.get(REQUIREMENTS_FILE)
        if original is not None and not _same_text(original, result.requirements_txt):
            findings.append(Finding(
                Code.REQUIREMENTS_REPLACED,
                f"the project's own {REQUIREMENTS_FILE} is replaced in the output by the one "
                "the image installs (regenerated from cog.yaml)", Location(REQUIREMENTS_FILE, 1)))
        files[REQUIREMENTS_FILE] = result.requirements_txt.encode("utf-8")
    for item in config.run if base is None else []:  # a base image ran them when it was built
        if any(m.get("type") == "secret" for m in item.mounts):
            ids = ", ".join(m.get("id", "?") for m in item.mounts if m.get("type") == "secret")
            findings.append(Finding(
                Code.BUILD_SECRETS, f"build secret(s) {ids} are needed at image build time: pass them with "
                "ContainerImage(secrets=...) or your fal build settings",
                Location(config.path, config.line_of("build.run") or 1)))
    if base is not None:
        findings.append(Finding(Code.DOCKERFILE, f"Dockerfile: {base.cost()}", Location(config.path, 1)))
    else:
        findings.append(Finding(
            Code.DOCKERFILE, f"Dockerfile {_origin(result.source)}; "
            f"{len(result.changes)} line(s) removed, changed or added (see the Dockerfile section)",
            Location(config.path, 1)))
    plan = {
        "mode": "container",
        "dockerfile": result.text,
        "model_root": MODEL_ROOT,
        "requirements": [],  # installed by the Dockerfile
        "app_files": [],  # fal rejects app_files for container apps; COPY ships the code
    }
    return Contribution(plan, files, tuple(findings), tuple(result.changes))


def _same_text(content: FileContent, text: str) -> bool:
    """A project file against generated text; a file of another size is never read."""
    if isinstance(content, CopiedFile):
        if content.size != len(text.encode("utf-8")):
            return False
        content = content.read_bytes()
    return content.decode("utf-8", "replace") == text


def _origin(source: str) -> str:
    return "generated from cog.yaml" if source == "generated" else "cleaned from `cog debug` output"
