"""Model references → fal app ids (`--map`, `--fal-owner`), and the files a run looks at."""

from __future__ import annotations

from pathlib import Path

import pytest

from cog2fal.client.discovery import python_files
from cog2fal.client.references import Target, load_map
from cog2fal.errors import CogProjectError
from cog2fal.naming import app_name_from_image


def test_fal_owner_uses_the_app_name_convert_gives() -> None:
    models = load_map(None, "team")
    assert models.target("acme/Super_Res:9f3a") == \
        Target(f"team/{app_name_from_image('r8.im/acme/Super_Res')}")
    assert models.target("acme/super-res") == Target("team/super-res")
    assert models.target("0123456789abcdef0123456789abcdef") is None  # a bare version id names no model
    assert load_map(None, None).target("acme/x") is None


def test_the_map_comes_first_and_may_name_a_path(tmp_path: Path) -> None:
    (tmp_path / "m.toml").write_text('[models]\n"acme/x" = "mine/x-app"\n'
                                     '"acme/llm:v2" = { app = "mine/llm", path = "/stream" }\n')
    models = load_map(tmp_path / "m.toml", "team")
    assert models.target("acme/x:123") == Target("mine/x-app")
    assert models.target("acme/llm:v2") == Target("mine/llm", "/stream")
    assert models.target("acme/llm:v1") == Target("team/llm")


@pytest.mark.parametrize("text, message", [
    ("[models\n", "not a TOML map"),
    ('[models]\n"a/b" = 1\n', 'models."a/b"'),
    ('[models]\n"a/b" = "no-slash"\n', "is not a fal app id"),
])
def test_bad_maps_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "m.toml").write_text(text)
    with pytest.raises(CogProjectError) as error:
        load_map(tmp_path / "m.toml", None)
    assert message in str(error.value) and str(error.value).startswith(str(tmp_path / "m.toml"))


def test_discovery_skips_environments_and_build_folders(tmp_path: Path) -> None:
    for name in ("a.py", "pkg/b.py", ".git/c.py", "venv/d.py", "env2/lib/e.py", "build/f.py",
                 "node_modules/g.py", "x/site-packages/h.py", "pkg/__pycache__/i.py", "notes.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "env2" / "pyvenv.cfg").write_text("home = /usr\n")
    found = [p.relative_to(tmp_path).as_posix() for p in python_files([tmp_path, tmp_path / "a.py"])]
    assert found == ["a.py", "pkg/b.py"]
