"""`cog2fal client` as users run it: in place and atomic, --diff, --check, --json, exit codes,
bad input reported as `file:line: message` while the other files are still converted, files
that do not use Replicate's client left byte-identical, and a second run that changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = '''import replicate

# the caption model
caption = replicate.run("acme/captioner", input={"image": "https://example.com/cat.png"})
print(caption)
'''
PLAIN = '''import requests  # mentions replicate in a comment only

print(requests.get("https://example.com").status_code)
'''


def cog2fal(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", "client", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def make_tree(root: Path) -> None:
    (root / "app").mkdir()
    (root / "app" / "caption.py").write_text(SCRIPT)
    (root / "app" / "plain.py").write_text(PLAIN)
    (root / "app" / ".venv" / "lib").mkdir(parents=True)
    (root / "app" / ".venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (root / "app" / ".venv" / "lib" / "replicate_user.py").write_text(SCRIPT)
    (root / "app" / "node_modules").mkdir()
    (root / "app" / "node_modules" / "x.py").write_text(SCRIPT)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_rewrites_in_place_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path)
    before = snapshot(tmp_path)
    done = cog2fal("app", "--fal-owner", "team", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = snapshot(tmp_path)
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert changed == ["app/caption.py", "app/fal_replicate_compat.py"]
    text = after["app/caption.py"].decode()
    assert 'fal_client.subscribe("team/captioner", {"image": "https://example.com/cat.png"})' in text
    assert "# the caption model" in text
    compile(text, "caption.py", "exec")
    assert not list(tmp_path.rglob(".*.tmp"))
    again = cog2fal("app", "--fal-owner", "team", "--check", cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert snapshot(tmp_path) == after


def test_diff_and_check_write_nothing(tmp_path: Path) -> None:
    make_tree(tmp_path)
    before = snapshot(tmp_path)
    diff = cog2fal("app", "--fal-owner", "team", "--diff", cwd=tmp_path)
    assert diff.returncode == 1
    assert "-caption = replicate.run(" in diff.stdout and "+++ b/app/fal_replicate_compat.py" in diff.stdout
    check = cog2fal("app", "--fal-owner", "team", "--check", cwd=tmp_path)
    assert check.returncode == 1
    assert snapshot(tmp_path) == before


def test_json_report_lists_every_site_with_its_line(tmp_path: Path) -> None:
    make_tree(tmp_path)
    (tmp_path / "app" / "more.py").write_text("import replicate\nx = replicate.run(NAME, input={})\n")
    done = cog2fal("app", "--fal-owner", "team", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["files_changed_list"] == ["app/caption.py", "app/more.py"]
    assert report["helper_files"] == ["app/fal_replicate_compat.py"]
    sites = {(s["file"], s["line"], s["status"]) for s in report["sites"]}
    assert sites == {("app/caption.py", 4, "rewritten"), ("app/more.py", 2, "flagged")}
    assert "# TODO(cog2fal):" in (tmp_path / "app" / "more.py").read_text()


def test_bad_files_are_one_line_each_and_the_rest_is_converted(tmp_path: Path) -> None:
    make_tree(tmp_path)
    app = tmp_path / "app"
    (app / "broken.py").write_text("import replicate\n\ndef f(:\n    pass\n")
    (app / "latin.py").write_bytes(b"import replicate\nname = '\xe9'\n")
    (app / "binary.py").write_bytes(b"import replicate\n\x00\x01\x02")
    (app / "huge.py").write_text("import replicate\n" + "x = 1\n" * 400_000)
    before = {name: (app / name).read_bytes() for name in ("broken.py", "latin.py", "binary.py", "huge.py")}
    done = cog2fal("app", "--fal-owner", "team", cwd=tmp_path)
    assert done.returncode == 2
    errors = sorted(done.stderr.strip().splitlines())
    assert errors == [
        "error: app/binary.py:2: binary file, not Python source",
        "error: app/broken.py:3: syntax error: invalid syntax",
        "error: app/huge.py:1: file too large to rewrite (2400017 bytes, at most 2000000)",
        "error: app/latin.py:2: not UTF-8 text",
    ]
    assert {name: (app / name).read_bytes() for name in before} == before
    assert "fal_client" in (app / "caption.py").read_text()


def test_missing_path_and_bad_map(tmp_path: Path) -> None:
    missing = cog2fal("nowhere", cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr == "error: nowhere: no such file or folder\n"
    (tmp_path / "map.toml").write_text('[models]\n"a/b" = 3\n')
    (tmp_path / "x.py").write_text(SCRIPT)
    bad = cog2fal("x.py", "--map", "map.toml", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("error: map.toml: models.\"a/b\"")
    (tmp_path / "map.toml").write_text('[models]\n"acme/captioner" = { app = "team/cap", path = "/fast" }\n')
    good = cog2fal("x.py", "--map", "map.toml", cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    assert 'fal_client.subscribe("team/cap", {"image": "https://example.com/cat.png"}, path="/fast")' in \
        (tmp_path / "x.py").read_text()


def test_a_file_without_replicate_is_byte_identical_even_when_named(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_bytes(b"# -*- coding: latin-1 -*-\nx = '\xe9'  \r\n")
    before = (tmp_path / "plain.py").read_bytes()
    done = cog2fal("plain.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "plain.py").read_bytes() == before


def test_json_with_diff_carries_the_diff(tmp_path: Path) -> None:
    make_tree(tmp_path)
    done = cog2fal("app", "--fal-owner", "team", "--diff", "--json", cwd=tmp_path)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["mode"] == "diff" and "+++ b/app/caption.py" in report["diff"]
