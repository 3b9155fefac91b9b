"""`sys.path` edits in the model code that only work where Cog's build put things.

Real predictors reach code cloned by `build.run` (`sys.path.insert(0, "/repo")`) or a folder
above the project (`sys.path.append("../src")`). Neither ships with an app-mode fal app. The
folder may be a literal or a module constant (`REPO = "/repo"`), folded statically.
"""

from __future__ import annotations

import re

from cog2fal.codes import Code
from cog2fal.project import Finding, Location
from cog2fal.reading.folding import Folder, NotFoldable
from cog2fal.reading.predictor import module_constants
from cog2fal.reading.source import SourceFile

_SYS_PATH = re.compile(r"sys\.path\.(?:insert\(\s*-?\d+\s*,|append\()\s*([^()\n]+?)\s*\)")


def sys_path_findings(source: SourceFile, mode: str) -> list[Finding]:
    findings = []
    folder: Folder | None = None
    for match in _SYS_PATH.finditer(source.text):
        if folder is None:
            folder = Folder(module_constants(source.module))
        try:
            target = folder.fold_source(match.group(1))
        except NotFoldable:
            continue
        if not isinstance(target, str):
            continue
        where = Location(source.display, source.text.count("\n", 0, match.start()) + 1)
        if target.startswith(".."):
            findings.append(Finding(
                Code.SYS_PATH_OUTSIDE,
                f"`sys.path` gets `{target}`, a folder above the Cog project: it is not "
                "shipped; copy what the model needs into the project", where))
        elif target.startswith("/") and not target.startswith(("/src", "/tmp")) and mode == "app":
            findings.append(Finding(
                Code.SYS_PATH_BUILT,
                f"`sys.path` gets `{target}`, which only a build step creates; app mode runs "
                "no build steps — use `--mode container`, or clone it in setup() "
                "(fal.toolkit.clone_repository)", where))
    return findings
