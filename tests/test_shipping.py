"""Which files ship: links that leave the project, loop or lead to what the context leaves out are
not followed; links inside ship their target's content at the link's path; FIFOs, sockets and
devices are never opened. Each conversion runs in a real process under a timeout, so a
regression (a FIFO opened, /dev/zero read) fails instead of hanging the suite."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from cog2fal.codes import Code
from cog2fal.project import Finding
from cog2fal.shipping import MAX_LINKED_FOLDERS, project_files
from tests.fuzz.harness import app_file, run_subprocess

PREDICTOR = ("from cog import BasePredictor\n\n\nclass Predictor(BasePredictor):\n"
             "    def predict(self, x: str) -> str:\n        return x\n")
SECRET = "SECRET-FROM-OUTSIDE"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "model"
    (root / "models").mkdir(parents=True)
    (root / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (root / "predict.py").write_text(PREDICTOR)
    (root / "models" / "config.json").write_text('{"a": 1}\n')
    (tmp_path / "secret.txt").write_text(SECRET + "\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "leak.txt").write_text(SECRET + "\n")
    return root


def _convert(root: Path, tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "out"
    outcome = run_subprocess(root, out, "--mode", "app", "--json", *extra, timeout=60,
                             memory=3 * 2**30)
    assert outcome.exit_code == 0, outcome.stderr
    assert "Traceback" not in outcome.stderr
    return out


def _findings(root: Path) -> tuple[list[str], list[Finding]]:
    findings: list[Finding] = []
    return project_files(root, findings), findings


def _codes(findings: list[Finding]) -> dict[str, Code]:
    return {f.location.file: f.code for f in findings if f.location is not None}


def _leaks(out: Path) -> list[str]:
    return [p.relative_to(out).as_posix() for p in out.rglob("*")
            if p.is_file() and SECRET.encode() in p.read_bytes()]


def test_links_out_of_the_project_are_not_followed_and_reported_at_their_path(tmp_path: Path) -> None:
    root = _project(tmp_path)
    os.symlink(tmp_path / "secret.txt", root / "secret_link.txt")
    os.symlink("../../outside", root / "models" / "outside_dir")
    os.symlink("/proc/self/environ", root / "environ")
    files, findings = _findings(root)
    assert files == ["models/config.json", "predict.py"]
    assert _codes(findings) == {"secret_link.txt": Code.LINK_NOT_FOLLOWED,
                                "models/outside_dir": Code.LINK_NOT_FOLLOWED,
                                "environ": Code.LINK_NOT_FOLLOWED}
    assert all("outside the project" in f.message for f in findings)
    out = _convert(root, tmp_path)
    assert _leaks(out) == []
    assert not (out / "secret_link.txt").exists() and not (out / "environ").exists()
    assert "secret_link.txt" not in app_file(out).read_text()
    report = (out / "MIGRATION.md").read_text()
    assert f"{Code.LINK_NOT_FOLLOWED}" in report and "secret_link.txt" in report


def test_links_inside_ship_their_target_at_the_link_path(tmp_path: Path) -> None:
    """What the model reads under Cog's /src (Docker keeps the link; it resolves in the image),
    as plain files: fal's app_files upload would store a file link under its target's path and
    skip a linked folder."""
    root = _project(tmp_path)
    os.symlink("models/config.json", root / "config.json")
    os.symlink("models", root / "weights")
    (root / "sub").mkdir()
    os.symlink("../models/config.json", root / "sub" / "config.json")
    files, findings = _findings(root)
    assert files == ["config.json", "models/config.json", "predict.py", "sub/config.json",
                     "weights/config.json"]
    assert findings == []
    out = _convert(root, tmp_path)
    for relative in ("config.json", "sub/config.json", "weights/config.json"):
        assert not (out / relative).is_symlink() and not (out / relative).parent.is_symlink()
        assert (out / relative).read_text() == '{"a": 1}\n'
    assert '"weights/"' in app_file(out).read_text()


def test_a_fifo_is_never_opened_and_a_link_to_dev_zero_never_read(tmp_path: Path) -> None:
    root = _project(tmp_path)
    os.mkfifo(root / "pipe")
    os.mkfifo(root / "models" / "pipe.py")
    os.symlink("/dev/zero", root / "zero.bin")
    os.symlink("pipe", root / "pipe_link")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(root / "sock"))
        files, findings = _findings(root)
        assert files == ["models/config.json", "predict.py"]
        assert _codes(findings) == {"pipe": Code.SPECIAL_FILE, "models/pipe.py": Code.SPECIAL_FILE,
                                    "zero.bin": Code.LINK_NOT_FOLLOWED, "pipe_link": Code.SPECIAL_FILE,
                                    "sock": Code.SPECIAL_FILE}
        assert "is a FIFO" in next(f.message for f in findings if f.location.file == "pipe")
        started = time.monotonic()
        out = _convert(root, tmp_path)
        assert time.monotonic() - started < 60
        written = {p.relative_to(out).as_posix() for p in out.rglob("*")}
        assert {"predict.py", "models/config.json"} <= written
        assert not {"pipe", "models/pipe.py", "zero.bin", "pipe_link", "sock"} & written
    finally:
        server.close()


def test_link_loops_end(tmp_path: Path) -> None:
    root = _project(tmp_path)
    os.symlink("..", root / "models" / "up")
    os.symlink(".", root / "here")
    os.symlink("loop", root / "loop")
    os.symlink("b", root / "a")
    os.symlink("a", root / "b")
    files, findings = _findings(root)
    assert files == ["models/config.json", "predict.py"]
    assert set(_codes(findings)) == {"models/up", "here", "loop", "a", "b"}
    assert {f.code for f in findings} == {Code.LINK_NOT_FOLLOWED}
    _convert(root, tmp_path)


def test_links_to_what_the_context_leaves_out_are_not_followed(tmp_path: Path) -> None:
    """A link to .git/config or to a .dockerignore'd .env would dangle in Cog's image: not shipped."""
    root = _project(tmp_path)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(SECRET + "\n")
    (root / ".env").write_text(SECRET + "\n")
    (root / ".dockerignore").write_text(".env\nignored/\n")
    (root / "ignored").mkdir()
    os.mkfifo(root / "ignored" / "pipe")  # ignored: never stat'ed as a file, never reported
    os.symlink(".git/config", root / "gitconfig")
    os.symlink(".env", root / "env")
    os.symlink("ignored", root / "also_ignored")
    files, findings = _findings(root)
    assert files == ["models/config.json", "predict.py"]
    assert _codes(findings) == {"gitconfig": Code.LINK_NOT_FOLLOWED, "env": Code.LINK_NOT_FOLLOWED,
                                "also_ignored": Code.LINK_NOT_FOLLOWED}
    assert _leaks(_convert(root, tmp_path)) == []


def test_links_to_links_cannot_multiply_the_walk(tmp_path: Path) -> None:
    """Two links a level to the next level, 20 levels: a million walks if all were followed."""
    root = _project(tmp_path)
    for level in range(20):
        folder = root / f"l{level}"
        folder.mkdir()
        (folder / "f.txt").write_text("x")
        if level:
            os.symlink(f"../l{level}", root / f"l{level - 1}" / "a")
            os.symlink(f"../l{level}", root / f"l{level - 1}" / "b")
    started = time.monotonic()
    files, findings = _findings(root)
    assert time.monotonic() - started < 20
    assert len(files) < 40 * MAX_LINKED_FOLDERS
    assert any(f"more than {MAX_LINKED_FOLDERS}" in f.message for f in findings)


def test_a_fifo_named_as_the_requirements_file_is_refused_not_opened(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "cog.yaml").write_text('build:\n  python_requirements: requirements.txt\n'
                                   'predict: "predict.py:Predictor"\n')
    os.mkfifo(root / "requirements.txt")
    outcome = run_subprocess(root, tmp_path / "out", timeout=60)
    assert outcome.exit_code == 2
    assert outcome.stderr.strip().endswith(
        "cog.yaml:2: requirements file 'requirements.txt' is a FIFO, socket or device, not a file: not read")
