"""`sys.path` edits in the model code that only work where Cog's build put things.

Real predictors reach code cloned by `build.run` (`sys.path.insert(0, "/repo")`) or a folder
above the project (`sys.path.append("../src")`). Neither ships with an app-mode fal app.
"""

from __future__ import annotations

import re

from cog2fal.project import Finding, Location

_SYS_PATH = re.compile(r"""sys\.path\.(?:insert\(\s*-?\d+\s*,|append\()\s*(?:r|f)?["']([^"']+)["']""")


def sys_path_findings(file: str, text: str, mode: str) -> list[Finding]:
    findings = []
    for match in _SYS_PATH.finditer(text):
        target = match.group(1)
        line = text.count("\n", 0, match.start()) + 1
        if target.startswith(".."):
            findings.append(Finding(
                "C2F032", f"`sys.path` gets `{target}`, a folder above the Cog project: it is not "
                "shipped; copy what the model needs into the project", Location(file, line), "todo"))
        elif target.startswith("/") and not target.startswith(("/src", "/tmp")) and mode == "app":
            findings.append(Finding(
                "C2F033", f"`sys.path` gets `{target}`, which only a build step creates; app mode runs "
                "no build steps — use `--mode container`, or clone it in setup() "
                "(fal.toolkit.clone_repository)", Location(file, line), "todo"))
    return findings
