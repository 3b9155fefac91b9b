"""Fuzzing the conversion (fuzzed inputs never produce a traceback).

Generated predictors, generated cog.yaml files and damaged copies of the team's fixtures go
through the real CLI — typer's CliRunner against `cog2fal.cli.app` for most cases, a real
`python -m cog2fal` process for a sample — and each must convert (exit 0, a complete output
folder whose app file compiles) or be refused (exit 2, one `error: FILE:LINE: message` line),
with nothing written outside `--out`. See harness.py for the checks.

Bounded: a few hundred cases in all, the whole file well under a minute on two cores.
Found crashes live on in test_regressions.py.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cog2fal.errors import CogProjectError
from cog2fal.writing.rewrites import module_code
from tests.conftest import EXAMPLES, FIXTURES
from tests.fuzz import strategies as S
from tests.fuzz.harness import convert_case, project_files, write_project
from tests.support.rewriting import rewritten_sources

SETTINGS = settings(deadline=None, database=None, max_examples=200,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much, HealthCheck.large_base_example])

PROJECTS = {p.name: project_files(p) for p in sorted(FIXTURES.iterdir()) if (p / "cog.yaml").is_file()}
PROJECTS |= {p.parent.name: project_files(p) for p in sorted(EXAMPLES.glob("*/cog"))
             if (p / "cog.yaml").is_file()}
PROJECT_NAMES = sorted(PROJECTS)


def _predict_ref(cog_yaml: bytes) -> str:
    found = re.search(rb'^(?:predict|model|run):\s*["\']?([^"\'\n]+?)["\']?\s*$', cog_yaml, re.M)
    return found.group(1).decode() if found else "predict.py:Predictor"


@st.composite
def generated_predictor_project(draw: st.DrawFn) -> dict[str, str | bytes]:
    source, name = draw(S.predictor_source())
    cog_yaml = draw(S.plain_cog_yaml(f"predict.py:{name}"))
    files: dict[str, str | bytes] = {"predict.py": source, "cog.yaml": cog_yaml}
    if "requirements.txt" in str(files["cog.yaml"]) or draw(S.one_in(4)):
        files["requirements.txt"] = draw(S.REQUIREMENTS)
    files |= draw(S.extra_files())
    return files


@st.composite
def generated_cog_yaml_project(draw: st.DrawFn) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = dict(PROJECTS[draw(st.sampled_from(PROJECT_NAMES))])
    files["cog.yaml"] = draw(S.cog_yaml(_predict_ref(files["cog.yaml"])))  # type: ignore[arg-type]
    if draw(st.booleans()):
        files["requirements.txt"] = draw(S.REQUIREMENTS)
    if draw(S.one_in(3)):
        files["other.txt"] = draw(S.REQUIREMENTS)
    return files


@st.composite
def mutated_fixture(draw: st.DrawFn) -> dict[str, bytes]:
    files = PROJECTS[draw(st.sampled_from(PROJECT_NAMES))]
    for _ in range(draw(st.integers(1, 2))):
        files, _ = draw(S.mutation(files))
    return files


OPTIONS = st.lists(st.sampled_from([
    ("--mode", "container"), ("--mode", "app"), ("--app-name", "my model"), ("--app-name", "名前"),
    ("--machine-type", "GPU-H100"), ("--billing-metric", "tokens"), ("--json",), ("--force",),
]), max_size=3, unique=True).map(lambda options: [part for option in options for part in option])


@SETTINGS
@given(generated_predictor_project(), OPTIONS)
def test_generated_predictors(files: dict[str, str | bytes], options: list[str]) -> None:
    convert_case(files, *options)


@SETTINGS
@given(generated_cog_yaml_project())
def test_generated_cog_yaml(files: dict[str, str | bytes]) -> None:
    convert_case(files)


@SETTINGS
@given(mutated_fixture())
def test_mutated_fixtures(files: dict[str, bytes]) -> None:
    convert_case(files)


@settings(SETTINGS, max_examples=100)
@given(st.one_of(generated_predictor_project(), mutated_fixture()))
def test_rewritten_code_prints_as_libcst_prints_it(files: dict[str, str | bytes]) -> None:
    """The final print copies unchanged statements' text (writing/codemod/printing.py): on whatever
    converts, it must give exactly `module.code`."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            rewritten = rewritten_sources(write_project(Path(tmp), files))
        except CogProjectError:
            return
        for source, module in rewritten:
            assert module_code(module, source) == module.code


@settings(SETTINGS, max_examples=12)
@given(st.one_of(generated_predictor_project(), generated_cog_yaml_project(), mutated_fixture()))
def test_real_process(files: dict[str, str | bytes]) -> None:
    """The console entry point in a fresh interpreter: what a user's shell sees."""
    convert_case(files, subprocess_run=True)


HEAD = "from cog import BasePredictor, Input, Path\n\n"
PREDICT = ("class Predictor(BasePredictor):\n"
           "    def predict(self, text: str = Input(description='t', default='x')) -> str:\n"
           "        return text\n")
COG_YAML = 'build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n'


def _huge_predictor() -> str:
    """A 5 MB predictor: an embedded blob, a long comment block and a table of constants."""
    blob = "BLOB = '" + "QUJD" * 500_000 + "'\n"
    comments = "".join(f"# line {i}: {'-' * 60}\n" for i in range(40_000))
    table = "TABLE = {\n" + "".join(f"    'k{i}': {i},\n" for i in range(2_000)) + "}\n"
    return HEAD + blob + comments + table + PREDICT


CHOICES = "[" + ", ".join(f"'c{i}'" for i in range(100_000)) + "]"
UNICODE = "# ✓ ünïcödé 名前 🙂\n"

EDGE_CASES = {
    "5 MB predictor": {"predict.py": _huge_predictor()},
    "100k-element choices list": {"predict.py": HEAD + "class Predictor(BasePredictor):\n"
                                  f"    def predict(self, c: str = Input(choices={CHOICES})) -> str:\n"
                                  "        return c\n"},
    "UTF-16 predictor (BOM)": {"predict.py": (HEAD + PREDICT).encode("utf-16")},
    "UTF-16-LE predictor": {"predict.py": (HEAD + PREDICT).encode("utf-16-le")},
    "latin-1 predictor": {"predict.py": ("# café\n" + HEAD + PREDICT).encode("latin-1")},
    "latin-1 predictor with a coding line": {
        "predict.py": ("# -*- coding: latin-1 -*-\n# café\n" + HEAD + PREDICT).encode("latin-1")},
    "UTF-8 BOM predictor": {"predict.py": b"\xef\xbb\xbf" + (UNICODE + HEAD + PREDICT).encode()},
    "UTF-8 BOM cog.yaml": {"cog.yaml": b"\xef\xbb\xbf" + COG_YAML.encode()},
    "UTF-16 cog.yaml": {"cog.yaml": COG_YAML.encode("utf-16")},
    "NUL in predictor": {"predict.py": (HEAD + PREDICT).replace("return text", "return text\x00")},
    "NUL in cog.yaml": {"cog.yaml": COG_YAML.replace("3.11", "3.\x0011")},
    "CRLF everywhere": {"predict.py": (HEAD + PREDICT).replace("\n", "\r\n"),
                        "cog.yaml": COG_YAML.replace("\n", "\r\n")},
    "CR line ends": {"predict.py": (HEAD + PREDICT).replace("\n", "\r"),
                     "cog.yaml": COG_YAML.replace("\n", "\r")},
    "form feed and vertical tab": {"predict.py": HEAD + "\x0c\n" + PREDICT.replace("return text",
                                                                                  "return text\x0b")},
    "no final newline": {"predict.py": (HEAD + PREDICT).rstrip("\n")},
    "tabs for indentation": {"predict.py": HEAD + PREDICT.replace("    ", "\t")},
    "a 100,000-character line": {"predict.py": HEAD + "X = '" + "y" * 100_000 + "'\n" + PREDICT},
    "unicode identifiers": {"predict.py": HEAD + PREDICT.replace("text", "tëxt_名前")},
    "empty predictor": {"predict.py": ""},
    "empty cog.yaml": {"cog.yaml": ""},
    "cog.yaml is a list": {"cog.yaml": "- predict: predict.py:Predictor\n"},
    "cog.yaml is 1 MB of nesting": {"cog.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n" + COG_YAML},
    "cog.yaml with 10,000 keys": {"cog.yaml": COG_YAML + "".join(f"k{i}: {i}\n" for i in range(10_000))},
    "binary junk predictor": {"predict.py": bytes(range(256)) * 10},
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases(name: str) -> None:
    files: dict[str, str | bytes] = {"predict.py": HEAD + PREDICT, "cog.yaml": COG_YAML, **EDGE_CASES[name]}
    convert_case(files)
