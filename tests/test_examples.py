"""The committed examples and generated docs are exactly what the tools produce today.

- every `examples/<name>/fal/` is byte for byte the output of
  `cog2fal convert examples/<name>/cog --out examples/<name>/fal` (regenerated in a temp dir);
- the walkthroughs, `docs/cli.md` and the generated tables of `docs/mapping.md` are what
  `scripts/regenerate_examples.py` writes from real command output and from the code registry
  (tests/test_codes.py checks the registry against the source);
- each converted example loads with fal's own loader (as `fal deploy` does) in this environment,
  which lacks the models' dependencies;
- its Input schema equals, field by field, the one Cog 0.16.12 publishes for the original.

When the converter changes, regenerate with:
    python scripts/regenerate_examples.py
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cog2fal.verify.schemas import compare_fields, input_fields
from tests.conftest import EXAMPLES, ROOT
from tests.support.cog_schema import cog_openapi_schema
from tests.support.fal_apps import deploy_check, openapi


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("regenerate_examples",
                                                  ROOT / "scripts" / "regenerate_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


SCRIPT = _load_script()
RERUN = f"out of date: run {SCRIPT.RERUN}"
NAMES = SCRIPT.example_names()
DEMOS = ["diffrhythm", "hunyuan3d", "kokoro", "sana", "wan"]  # SPEC 5: fal's five demo models
CONTAINER = {"diffrhythm", "wan", "json-query"}  # system packages / build.run / cuda: container mode (auto)
DOCS = sorted({*SCRIPT.generated_walkthroughs(), "docs/cli.md", "docs/mapping.md"})

# Examples whose schema differs from Cog's because of a converter bug: name → reason. Each one
# is an xfail(strict=True), so the fix makes the test pass and the entry must then be removed.
KNOWN_SCHEMA_BUGS: dict[str, str] = {}

# Cog 0.16.12 cannot publish any schema for an `AsyncIterator[str]` output (pydantic has no
# schema for it; 0.16 knows only its own AsyncConcatenateIterator). The Input component does not
# depend on the output type, so the reference is taken from a copy with only that annotation
# changed to the one 0.16 accepts.
COG016_EDITS = {
    "async-echo": [("from typing import AsyncIterator", "from cog import AsyncConcatenateIterator"),
                   ("-> AsyncIterator[str]:", "-> AsyncConcatenateIterator[str]:")],
}


@pytest.fixture(scope="module")
def generated():
    return SCRIPT.generate()


def test_the_examples_are_all_there() -> None:
    assert sorted(DEMOS) == sorted(set(DEMOS) & set(NAMES))
    assert len(NAMES) >= len(DEMOS) + 7, NAMES  # and the runnable CPU examples
    stray = sorted(p.parent.name for p in EXAMPLES.glob("*/fal") if p.parent.name not in NAMES)
    assert not stray, f"examples/<name>/fal without a cog/ project: {stray}"
    assert SCRIPT.demo_names() == DEMOS, "one walkthrough template per demo model"


@pytest.mark.parametrize("name", NAMES)
def test_converted_example_is_up_to_date(generated, name: str) -> None:
    folder = f"examples/{name}/fal"
    problems = [p for p in SCRIPT.differences(generated) if p.split(" ", 1)[1].startswith(folder + "/")]
    assert not problems, "\n".join([*problems, RERUN])


@pytest.mark.parametrize("page", DOCS)
def test_generated_doc_is_up_to_date(generated, page: str) -> None:
    path = ROOT / page
    assert path.is_file(), f"missing {page}; {RERUN}"
    assert path.read_bytes() == generated.files[page], f"differs {page}; {RERUN}"


def test_generation_covers_only_its_own_paths(generated) -> None:
    allowed = re.compile(r"^(examples/[^/]+/fal/.+|docs/walkthroughs/[^/_][^/]*\.md"
                         r"|docs/cli\.md|docs/mapping\.md)$")
    assert [f for f in generated.files if not allowed.match(f)] == []


def test_demos_use_the_expected_mode(generated) -> None:
    for name in DEMOS:
        facts = SCRIPT.fal_app_facts(generated.files[f"examples/{name}/fal/fal_app.py"].decode())
        assert facts["mode"] == ("container" if name in CONTAINER else "app"), name


def test_walkthroughs_quote_the_real_command_and_diff(generated) -> None:
    for name in DEMOS:
        page = generated.files[f"docs/walkthroughs/{name}.md"].decode()
        run = generated.converted[name].run
        assert f"$ cog2fal convert examples/{name}/cog --out examples/{name}/fal\n" in page
        assert run.stdout.strip() and run.stdout.strip().splitlines()[-1] in page
        assert f"--- examples/{name}/cog/predict.py\n+++ examples/{name}/fal/predict.py\n" in page
        assert "{{" not in page, f"{name}: a directive was left unexpanded"


def _links(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return [t for t in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text) if "://" not in t]


def test_relative_links_in_these_docs_resolve() -> None:
    pages = [ROOT / p for p in DOCS] + [ROOT / "docs" / "needs-a-hand.md",
                                        ROOT / "docs" / "walkthroughs" / "README.md"]
    broken = [f"{page.relative_to(ROOT)}: {target}" for page in pages for target in _links(page)
              if not (page.parent / target).exists()]
    assert not broken, "\n".join(broken)


def test_readme_links_these_docs() -> None:
    links = set(_links(ROOT / "README.md"))
    for page in ("docs/mapping.md", "docs/cli.md", "docs/needs-a-hand.md", "docs/walkthroughs/"):
        assert page in links, f"README.md does not link {page}"
        assert (ROOT / page).exists()


@pytest.mark.parametrize("name", NAMES)
def test_loads_like_fal_deploy(name: str) -> None:
    app_file = EXAMPLES / name / "fal" / "fal_app.py"
    result = deploy_check(app_file)
    kind = result["environment"]["kind"]
    assert kind == ("container" if name in CONTAINER else "virtualenv")
    requirements = result["environment"].get("requirements") or []
    flat = [r for layer in requirements for r in (layer if isinstance(layer, list) else [layer])]
    assert not any(r.split("==")[0].strip().lower() in ("cog", "coglet") for r in flat)
    if kind == "virtualenv":
        shipped = result["host"]["app_files"]
        assert "cog2fal_runtime.py" in shipped and "predict.py" in shipped


def _cog_reference(name: str, tmp_path: Path) -> Path:
    project = EXAMPLES / name / "cog"
    edits = COG016_EDITS.get(name)
    if not edits:
        return project
    copy = tmp_path / name
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = (copy / "predict.py").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in source, f"{name}: the example changed; update COG016_EDITS"
        source = source.replace(old, new)
    (copy / "predict.py").write_text(source, encoding="utf-8")
    return copy


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=KNOWN_SCHEMA_BUGS[n]))
    if n in KNOWN_SCHEMA_BUGS else n for n in NAMES])
def test_input_schema_matches_cog_016(name: str, tmp_path: Path) -> None:
    # The demos' dependencies (torch, diffusers, ...) are not installed with Cog 0.16.12: missing
    # modules are stubbed. The runnable examples need no stubs: Cog's fast loader reads them.
    reference = cog_openapi_schema(_cog_reference(name, tmp_path), stub_missing_modules=name in DEMOS)
    expected = input_fields(reference, "Input")
    actual = input_fields(openapi(EXAMPLES / name / "fal" / "fal_app.py"), "Input", route="/")
    assert expected, "Cog published no inputs: the comparison would prove nothing"
    differences = compare_fields(expected, actual)
    assert not differences, "\n".join(
        f"{d.field}.{d.attribute}: cog={d.expected!r} fal={d.actual!r}" for d in differences)
