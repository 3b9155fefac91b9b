"""Hostile output paths, by class: wherever `--out` or `--out-root` points (under a file, into
the project, a name too long, a non-empty folder, the project's parent), the CLI writes one
complete app folder outside the project or refuses with one line; never an internal error,
never a hidden staging folder left behind, never a file changed outside the output."""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURES
from tests.fuzz.harness import RUNNER, app, case_dir, snapshot

SETTINGS = settings(deadline=None, database=None, max_examples=60,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SEGMENT = st.sampled_from(["project", "sub", "afile", "full", "empty", "new", "..", ".", "fal_app.py",
                           "y" * 250, "z" * 256])
OUT = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join).filter(
    lambda path: not posixpath.normpath(path).startswith(".."))  # stays in the sandbox


def _sandbox(root: Path) -> Path:
    """project/ (with sub/), afile, full/ (not empty), empty/."""
    shutil.copytree(FIXTURES / "hello_text", root / "project")
    (root / "project" / "sub").mkdir()
    (root / "project" / "sub" / "data.txt").write_text("x")
    (root / "afile").write_text("mine")
    (root / "full").mkdir()
    (root / "full" / "keep.txt").write_text("mine")
    (root / "empty").mkdir()
    return root / "project"


@SETTINGS
@given(out=OUT, flag=st.sampled_from(["--out", "--out-root"]), force=st.booleans())
def test_any_output_path_is_written_whole_or_refused_in_one_line(out: str, flag: str, force: bool) -> None:
    with case_dir() as root:
        project = _sandbox(root)
        before = snapshot(root)
        result = RUNNER.invoke(app, ["convert", str(project), flag, str(root / out),
                                     *(["--force"] if force else [])])
        shown = f"{flag} {out[:80]} force={force}: exit {result.exit_code}\n{result.stderr[-2000:]}"
        assert result.exception is None or isinstance(result.exception, SystemExit), shown
        assert "internal error" not in result.stderr and "Traceback" not in result.stderr, shown
        after = snapshot(root)
        target = (root / out / "project-fal" if flag == "--out-root" else root / out).resolve()
        written = {path for path in set(after) | set(before) if after.get(path, b"") != before.get(path, b"")}
        staged = sorted(p for p in after if any(part.startswith((".project-fal-", f".{Path(out).name[:64]}-"))
                                                for part in Path(p).parts))
        assert not staged, f"hidden staging left behind: {staged}\n{shown}"
        if result.exit_code == 0:
            assert (target / "fal_app.py").is_file() and (target / "MIGRATION.md").is_file(), shown
            assert not target.is_relative_to(project.resolve()), shown
            outside = sorted(p for p in written if not (root / p).resolve().is_relative_to(target)
                             and not target.is_relative_to((root / p).resolve()))
            assert not outside, f"changed outside the output: {outside}\n{shown}"
        else:
            assert result.exit_code == 2, shown
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: "), shown
            assert not written, f"a refused conversion changed {sorted(written)[:5]}\n{shown}"
