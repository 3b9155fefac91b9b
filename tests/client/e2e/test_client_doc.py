"""docs/client.md shows what `cog2fal client` really does: its "after" and console blocks are the
command's output on its "before" block (`COG2FAL_UPDATE_GOLDEN=1` rewrites them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, update_goldens

DOC = ROOT / "docs" / "client.md"
_MARKED = re.compile(r"<!-- (?P<mark>before: [\w.]+|console|after) -->\n```(?P<lang>\w+)\n(?P<body>.*?)```",
                     re.S)
OWNER = "acme-fal"


def _blocks(text: str) -> dict[str, re.Match[str]]:
    return {m["mark"].split(":")[0]: m for m in _MARKED.finditer(text)}


def test_the_walkthrough_is_the_command_s_real_output(tmp_path: Path) -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = _blocks(text)
    assert set(blocks) == {"before", "console", "after"}
    name = blocks["before"]["mark"].split(": ")[1]
    (tmp_path / name).write_text(blocks["before"]["body"], encoding="utf-8")
    argv = ["client", name, "--fal-owner", OWNER]
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR")}
    done = subprocess.run([sys.executable, "-m", "cog2fal", *argv], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env=dict(env, COLUMNS="100"))
    assert done.returncode == 0, done.stdout + done.stderr
    after = (tmp_path / name).read_text(encoding="utf-8")
    compile(after, name, "exec")
    assert (tmp_path / "fal_replicate_compat.py").is_file()
    console = f"$ cog2fal {' '.join(argv)}\n" + "".join(
        line.rstrip() + "\n" for line in (done.stderr + done.stdout).splitlines())
    expected = {"console": console, "after": after}
    if update_goldens():
        for mark in ("after", "console"):  # the later block first: offsets stay valid
            match = _blocks(text)[mark]
            text = text[:match.start("body")] + expected[mark] + text[match.end("body"):]
        DOC.write_text(text, encoding="utf-8")
        return
    assert blocks["after"]["body"] == after, "docs/client.md: run with COG2FAL_UPDATE_GOLDEN=1"
    assert blocks["console"]["body"] == console, "docs/client.md: run with COG2FAL_UPDATE_GOLDEN=1"
