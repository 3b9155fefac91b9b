"""verify catches a broken conversion (exit 1, the difference named) and says when it cannot run.

The conversions are broken on purpose, the way a converter bug or a hand edit would break
them: a default changed in `fal_app.py`, an output changed in the rewritten model code. The
exit-2 cases use a model whose dependency is not installed and an interpreter without Cog.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.verify.helpers import EXAMPLES, convert, report_of, run_verify, write_project


def _copy(converted: dict[str, Path], name: str, tmp_path: Path) -> Path:
    return Path(shutil.copytree(converted[name], tmp_path / f"{name}-fal"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new))


def _edit_pattern(path: Path, pattern: str, new: str) -> None:
    """Regex edit, so that the generated code's line wrapping does not matter."""
    text, count = re.subn(pattern, new, path.read_text())
    assert count == 1, f"{pattern!r} not found once in {path}"
    path.write_text(text)


def test_changed_default_in_fal_app(runtime: str, converted: dict[str, Path], tmp_path: Path) -> None:
    app = _copy(converted, "text-tools", tmp_path)
    _edit_pattern(app / "fal_app.py", r"(repeat: int = Field\(\s*default=)1\b", r"\g<1>2")

    done = run_verify(runtime, EXAMPLES / "text-tools" / "cog", app, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = report_of(done)
    assert report["status"] == "mismatch"
    assert report["schema"]["differences"] == [
        {"field": "repeat", "attribute": "default", "cog": 1, "fal": 2}]
    by_case = {c["case"]: c for c in report["cases"]}
    # the defaults case leaves `repeat` out: Cog repeats once, the broken app twice
    assert by_case["defaults"]["status"] == "mismatch"
    [difference] = by_case["defaults"]["differences"]
    assert difference["where"] == "output" and difference["what"].startswith("text")
    assert difference["cog"] == "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG"
    assert difference["fal"] == "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG | " \
                                "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG"
    # the alternatives case sends `repeat` explicitly, so its output still matches
    assert by_case["alternatives"]["status"] == "match"

    table = run_verify(runtime, EXAMPLES / "text-tools" / "cog", app)
    assert table.returncode == 1
    assert "repeat.default" in table.stdout and "MISMATCH" in table.stdout
    assert "2 of 3 checks differ" in table.stdout


def test_changed_text_output_in_model_code(runtime: str, converted: dict[str, Path],
                                           tmp_path: Path) -> None:
    app = _copy(converted, "text-tools", tmp_path)
    _edit(app / "predict.py", "return separator.join([result] * repeat)",
          "return separator.join([result] * repeat) + '!'")

    done = run_verify(runtime, EXAMPLES / "text-tools" / "cog", app, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = report_of(done)
    assert report["schema"]["status"] == "match"
    for case in report["cases"]:
        [difference] = case["differences"]
        assert difference["where"] == "output"
        assert difference["fal"] == difference["cog"] + "!"


def test_changed_image_output_in_model_code(runtime: str, converted: dict[str, Path],
                                            tmp_path: Path) -> None:
    app = _copy(converted, "image-filter", tmp_path)
    _edit(app / "predict.py", 'out.save(out_path, format="PNG")',
          'out.transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(out_path, format="PNG")')

    done = run_verify(runtime, EXAMPLES / "image-filter" / "cog", app, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = report_of(done)
    for case in report["cases"]:
        [difference] = case["differences"]
        assert difference["where"] == "output"
        assert difference["what"].startswith("image pixels (")  # same size and type, other pixels


def test_changed_stream_in_model_code(runtime: str, converted: dict[str, Path], tmp_path: Path) -> None:
    app = _copy(converted, "async-echo", tmp_path)
    _edit(app / "predict.py", 'yield f"{self.greeting} {i + 1}/{repeat}: {text}"',
          'yield f"{self.greeting} {i + 1}/{repeat}: {text}"\n'
          '            yield "extra"')

    done = run_verify(runtime, EXAMPLES / "async-echo" / "cog", app, "--case",
                      str(EXAMPLES / "async-echo" / "cases" / "default.json"), "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    report = report_of(done)
    by_endpoint = {c["endpoint"]: c for c in report["cases"]}
    assert set(by_endpoint) == {"/", "/stream"}
    for endpoint in ("/", "/stream"):
        differences = by_endpoint[endpoint]["differences"]
        assert {"where": "output", "what": "length", "cog": 3, "fal": 6, "benign": False} in differences
        assert any(d["where"] == "output[1]" and d["fal"] == "extra" for d in differences)


def test_missing_model_dependency_exits_2(runtime: str, tmp_path: Path) -> None:
    model = write_project(tmp_path / "needs-dep", '''
        from cog import BasePredictor, Input

        import cog2fal_test_not_installed_module  # noqa: F401


        class Predictor(BasePredictor):
            def predict(self, text: str = Input(default="hi")) -> str:
                return text
        ''', packages=("cog2fal-test-not-installed-module==1.0",))
    app = convert(model, tmp_path / "needs-dep-fal")

    done = run_verify(runtime, model, app)
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert "`cog2fal_test_not_installed_module`" in lines[0]
    assert "Traceback" not in done.stdout + done.stderr


@pytest.mark.skipif(importlib.util.find_spec("cog") is not None,
                    reason="this test interpreter has Cog; the check needs one without it")
def test_missing_cog_exits_2(converted: dict[str, Path]) -> None:
    done = run_verify(sys.executable, EXAMPLES / "text-tools" / "cog", converted["text-tools"])
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: `cog` is not installed in ")
    assert len(done.stderr.strip().splitlines()) == 1


def test_converted_code_importing_cog_is_a_mismatch(runtime: str, converted: dict[str, Path],
                                                    tmp_path: Path) -> None:
    """A fal runner has no Cog: verify must not let the reference's Cog hide such an import."""
    app = _copy(converted, "text-tools", tmp_path)
    _edit(app / "predict.py", "import codecs\n", "import codecs\n\nimport cog  # noqa: F401\n")

    done = run_verify(runtime, EXAMPLES / "text-tools" / "cog", app, "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    [problem] = report_of(done)["problems"]
    assert problem["what"] == "fal app"
    assert "still imports `cog`" in problem["message"]
