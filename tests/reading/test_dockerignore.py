""".dockerignore: the files a converted app ships are those Docker puts in the build context.

The reference is the docker CLI itself: each project below is built with `COPY . /ctx` on
`FROM scratch` (the legacy builder: the CLI filters the context with Docker's Go matcher and
nothing runs), and the files in the image's /ctx are compared with what cog2fal ships.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from cog2fal.reading.dockerignore import DockerIgnore, read_patterns
from cog2fal.shipping import project_files

FILES = ["predict.py", "notes.txt", "assets/vocab.txt", "assets/logo.png", "assets/keep.txt",
         "assets/deep/more.txt", "weights/model.ckpt", "weights/config.json", "data/a.bin",
         "data/sub/b.bin", "src/helpers/util.py", "src/helpers/cache.tmp", "README.md", "Notes.md"]

CASES = {
    # `*.txt` is anchored at the top: assets/vocab.txt stays (the old matcher dropped it).
    "star_is_top_level": "*.txt\n",
    # An exception inside an ignored folder brings the file back (the old matcher lost it).
    "exception_inside_ignored_folder": "assets\n!assets/keep.txt\n",
    "exception_with_trailing_slash": "weights/\n!weights/config.json\n",
    "double_star_anywhere": "**/*.txt\n**/*.tmp\n",
    "later_lines_win": "data\n!data/sub\ndata/sub/b.bin\n",
    "leading_slash_and_comments": "# build outputs\n/README.md\n  src/helpers/*.tmp  \n",
    "question_mark_and_class": "data/?.bin\nassets/[lk]*.png\n",
    "folder_glob": "*/deep\nweights/*.ckpt\n",
    "everything_but": "*\n!predict.py\n!src\n",
}


def _project(root: Path, dockerignore: str) -> Path:
    for relative in FILES:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{relative}\n")
    (root / "cog.yaml").write_text("predict: predict.py:Predictor\n")
    (root / ".dockerignore").write_text(dockerignore)
    return root


def _shipped(root: Path) -> set[str]:
    return set(project_files(root, []))


def _docker_context(docker_client, root: Path, tmp_path: Path) -> set[str]:
    """The files the docker CLI sends for `root`, as they land in an image."""
    dockerfile = tmp_path / "Dockerfile.ctx"
    dockerfile.write_text("FROM scratch\nCOPY . /ctx\n")
    tag = f"cog2fal-test/context:{root.name.replace('_', '-')}"
    env = {**os.environ, "DOCKER_BUILDKIT": "0"}
    build = subprocess.run(["docker", "build", "-q", "-f", str(dockerfile), "-t", tag, str(root)],
                           env=env, capture_output=True, text=True, timeout=300)
    assert build.returncode == 0, build.stderr
    container = docker_client.containers.create(tag, entrypoint=["/never-started"])
    try:
        chunks, _ = container.get_archive("/ctx")
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as archive:
            names = {m.name.removeprefix("ctx/") for m in archive.getmembers() if m.isfile()}
    finally:
        container.remove(force=True)
        docker_client.images.remove(tag, force=True)
    # What ships is what /src holds, less the two files Cog's build consumes.
    return names - {"cog.yaml", ".dockerignore"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_shipped_files_are_dockers_build_context(case: str, docker_client, tmp_path: Path) -> None:
    root = _project(tmp_path / case, CASES[case])
    expected = _docker_context(docker_client, root, tmp_path)
    assert expected != set(FILES), "the .dockerignore left everything in: the case proves nothing"
    assert _shipped(root) == expected


def test_the_two_reported_cases(tmp_path: Path) -> None:
    """The cases issue 14 names, spelled out (the engine test above checks them too)."""
    shipped = _shipped(_project(tmp_path / "a", "*.txt\n"))
    assert "assets/vocab.txt" in shipped and "notes.txt" not in shipped
    shipped = _shipped(_project(tmp_path / "b", "assets/\n!assets/keep.txt\n"))
    assert "assets/keep.txt" in shipped and "assets/vocab.txt" not in shipped


def test_patterns_are_read_as_docker_reads_them() -> None:
    text = "\ufeff# comment\n\n  *.txt  \n!keep.txt\n  # indented: a pattern, as for Docker\n"
    assert read_patterns(text) == ["*.txt", "!keep.txt", "# indented: a pattern, as for Docker"]


def test_an_ignored_folder_is_not_walked_unless_an_exception_reaches_inside() -> None:
    ignore = DockerIgnore(["data", "!data/sub/b.bin", "weights"])
    assert ignore.prunes("weights") and not ignore.prunes("data") and not ignore.prunes("src")
    assert ignore.ignores("data/a.bin") and not ignore.ignores("data/sub/b.bin")
