"""Container mode: the Cog build environment as a Dockerfile, inlined as the app's image.

The output folder is the build context: it holds the model code (copied to /src, as Cog did),
the regenerated requirements.txt the Dockerfile installs, and the app file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cog2fal.codes import Code
from cog2fal.project import Finding, Location
from cog2fal.writing.dockerfile import REQUIREMENTS_FILE, fal_container_dockerfile

if TYPE_CHECKING:
    from cog2fal.convert import Conversion, ConvertOptions

MODEL_ROOT = "/src"


def apply_container_mode(conversion: Conversion, root: Path, options: ConvertOptions) -> None:
    config = conversion.project.config
    result = fal_container_dockerfile(root, config, options.cog_debug)
    plan = conversion.plan
    plan.mode = "container"
    plan.dockerfile = result.text
    plan.model_root = MODEL_ROOT
    plan.requirements = []  # installed by the Dockerfile
    plan.app_files = []  # fal rejects app_files for container apps; COPY ships the code
    conversion.dockerfile_changes = list(result.changes)
    # The app file is pickled at deploy time, never read in the image: editing it (or the report)
    # must not change the build context, or every deploy would rebuild the image.
    conversion.files[".dockerignore"] = (
        f"# Not needed in the image: fal pickles the app class when it deploys.\n"
        f"{conversion.app_file}\nMIGRATION.md\n__pycache__/\n").encode()
    if result.requirements_txt:
        original = conversion.files.get(REQUIREMENTS_FILE)
        if original is not None and original.decode("utf-8", "replace") != result.requirements_txt:
            conversion.findings.append(Finding(
                Code.REQUIREMENTS_REPLACED,
                f"the project's own {REQUIREMENTS_FILE} is replaced in the output by the one "
                "the image installs (regenerated from cog.yaml)", Location(REQUIREMENTS_FILE, 1)))
        conversion.files[REQUIREMENTS_FILE] = result.requirements_txt.encode("utf-8")
    for item in config.run:
        if any(m.get("type") == "secret" for m in item.mounts):
            ids = ", ".join(m.get("id", "?") for m in item.mounts if m.get("type") == "secret")
            conversion.findings.append(Finding(
                Code.BUILD_SECRETS, f"build secret(s) {ids} are needed at image build time: pass them with "
                "ContainerImage(secrets=...) or your fal build settings",
                Location(config.path, config.line_of("build.run") or 1)))
    conversion.findings.append(Finding(
        Code.DOCKERFILE, f"Dockerfile {_origin(result.source)}; "
        f"{len(result.changes)} line(s) removed, changed or added (see the Dockerfile section)",
        Location(config.path, 1)))


def _origin(source: str) -> str:
    return "generated from cog.yaml" if source == "generated" else "cleaned from `cog debug` output"
