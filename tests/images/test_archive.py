"""/src unpacked from an exported archive without trusting it (cog2fal/images/archive.py)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from cog2fal.errors import CogProjectError
from cog2fal.images.archive import extract_folder


def _archive(*members: tuple[str, str, object]) -> list[bytes]:
    """(kind, name, data-or-target) → the archive in small chunks, as the SDK streams it."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for kind, name, payload in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                data = payload if isinstance(payload, bytes) else str(payload).encode()
                info.size, info.mode = len(data), 0o4755 if name.endswith(".sh") else 0o640
                archive.addfile(info, io.BytesIO(data))
                continue
            info.type = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                         "char": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}[kind]
            if kind in ("symlink", "hardlink"):
                info.linkname = str(payload)
            archive.addfile(info)
    data = buffer.getvalue()
    return [data[i:i + 700] for i in range(0, len(data), 700)]


def test_files_folders_and_inside_links_are_unpacked(tmp_path: Path) -> None:
    chunks = _archive(("dir", "src", None), ("file", "src/predict.py", "print(1)\n"),
                      ("dir", "src/lib", None), ("file", "src/lib/a.txt", "a"),
                      ("file", "src/run.sh", "#!/bin/sh\n"),
                      ("symlink", "src/lib/b.txt", "a.txt"), ("symlink", "src/alias.py", "/src/predict.py"),
                      ("hardlink", "src/copy.py", "src/predict.py"))
    result = extract_folder(chunks, tmp_path / "out", "img")
    out = tmp_path / "out"
    assert sorted(result.files) == ["alias.py", "copy.py", "lib/a.txt", "lib/b.txt", "predict.py", "run.sh"]
    assert (out / "lib/b.txt").read_text() == "a" and (out / "alias.py").read_text() == "print(1)\n"
    assert (out / "alias.py").readlink() == Path("predict.py")
    assert (out / "copy.py").read_text() == "print(1)\n" and not (out / "copy.py").is_symlink()
    assert (out / "run.sh").stat().st_mode & 0o7777 == 0o755  # no setuid, executable kept
    assert (out / "predict.py").stat().st_mode & 0o7777 == 0o644
    assert result.skipped == []


def test_cog_staging_files_are_dropped(tmp_path: Path) -> None:
    chunks = _archive(("dir", "src", None), ("file", "src/predict.py", "x"),
                      ("dir", "src/.cog", None), ("file", "src/.cog/openapi_schema.json", "{}"),
                      ("file", "src/.cog/tmp/build1/cog.whl", "w"))
    result = extract_folder(chunks, tmp_path / "out", "img")
    assert result.files == ["predict.py"]
    assert sorted(result.staging) == [".cog/openapi_schema.json", ".cog/tmp/build1/cog.whl"]
    assert not (tmp_path / "out" / ".cog").exists()


@pytest.mark.parametrize("name", ["/etc/passwd", "src/../../escape", "../src/x", "other/x", "src\\..\\x"])
def test_an_unsafe_name_stops_the_export(name: str, tmp_path: Path) -> None:
    chunks = _archive(("dir", "src", None), ("file", name, "bad"))
    with pytest.raises(CogProjectError, match=r"^img: the exported archive has"):
        extract_folder(chunks, tmp_path / "out", "img")
    assert not (tmp_path / "escape").exists()


def test_links_leaving_src_and_special_files_are_skipped(tmp_path: Path) -> None:
    chunks = _archive(("dir", "src", None), ("file", "src/predict.py", "x"),
                      ("symlink", "src/weights", "/root/.cache/weights"),
                      ("symlink", "src/up", "../etc/passwd"),
                      ("symlink", "src/staging", ".cog/openapi_schema.json"),
                      ("hardlink", "src/passwd", "etc/passwd"),
                      ("char", "src/null", None), ("fifo", "src/pipe", None),
                      ("file", "src/weights/inside.bin", "through a link"))
    with pytest.raises(CogProjectError, match="^img: the exported archive has a member outside /src"):
        extract_folder(chunks, tmp_path / "out", "img")  # the hard link names etc/passwd
    chunks = [c for c in _archive(("dir", "src", None), ("file", "src/predict.py", "x"),
                                  ("symlink", "src/weights", "/root/.cache/weights"),
                                  ("symlink", "src/up", "../etc/passwd"),
                                  ("symlink", "src/staging", ".cog/openapi_schema.json"),
                                  ("char", "src/null", None), ("fifo", "src/pipe", None))]
    result = extract_folder(chunks, tmp_path / "out2", "img")
    assert result.files == ["predict.py"]
    assert {path for path, _ in result.skipped} == {"weights", "up", "staging", "null", "pipe"}
    assert sorted(p.name for p in (tmp_path / "out2").iterdir()) == ["predict.py"]


def test_a_link_is_pointed_at_its_lexical_target(tmp_path: Path) -> None:
    """`b -> a/../../hostname` with `a` a link to another folder would climb out of /src if
    followed as written; it is created pointing where it reads (`deep/hostname`), inside."""
    chunks = _archive(("dir", "src", None), ("dir", "src/deep", None), ("dir", "src/deep/er", None),
                      ("symlink", "src/deep/er/a", "../../z"), ("dir", "src/z", None),
                      ("symlink", "src/deep/er/b", "a/../../hostname"),
                      ("file", "src/deep/hostname", "inside"), ("file", "src/predict.py", "x"))
    result = extract_folder(chunks, tmp_path / "out", "img")
    out = tmp_path / "out"
    assert (out / "deep/er/b").readlink() == Path("../hostname")
    assert (out / "deep/er/b").read_text() == "inside"
    assert (out / "deep/er/a").resolve() == (out / "z").resolve()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve()), path
    assert result.skipped == []


def test_nothing_is_written_through_a_link(tmp_path: Path) -> None:
    chunks = _archive(("dir", "src", None), ("dir", "src/real", None), ("symlink", "src/alias", "real"),
                      ("file", "src/alias/new.txt", "via the link"), ("file", "src/predict.py", "x"))
    result = extract_folder(chunks, tmp_path / "out", "img")
    assert not (tmp_path / "out" / "real" / "new.txt").exists()
    assert ("alias/new.txt", "its folder is a link or a file in the archive") in result.skipped


def test_a_broken_archive_is_one_error(tmp_path: Path) -> None:
    chunks = _archive(("dir", "src", None), ("file", "src/predict.py", "x" * 5000))
    with pytest.raises(CogProjectError, match=r"^img: cannot read the exported /src archive"):
        extract_folder(chunks[:3], tmp_path / "out", "img")
