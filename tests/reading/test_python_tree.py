"""Name uses and generators from Python's tree agree with the slow ways they replace."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import libcst as cst
import pytest

from cog2fal.reading.predictor import _libcst_yields
from cog2fal.reading.python_tree import annotation_names
from cog2fal.reading.source import parse_source
from tests.conftest import ROOT
from tests.reading.python_files import PYTHON_FILES


def reference_name_uses(text: str) -> Counter[str]:
    """The obvious way, with ast.walk, that SourceFile.name_uses must agree with."""
    counts: Counter[str] = Counter()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Name):
            counts[node.id] += 1
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            counts.update(annotation_names(node.value))
    return counts


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_name_uses_count_every_name_and_string_annotation(path: Path) -> None:
    source = parse_source(path, path.name)
    assert source.name_uses() == reference_name_uses(source.text)


def test_name_uses_skip_imports_attributes_and_keywords(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text('import cog\nfrom cog import Input, Path\nglobal g\n'
                    'def f(x: "Path", y=Input(default={None: 1})) -> "List[Path]":\n'
                    '    return cog.Input(description="Input")\n')
    uses = parse_source(path, "m.py").name_uses()  # the string "Input" counts: it could be one
    assert uses is not None
    assert (uses["Path"], uses["Input"], uses["cog"], uses["List"], uses["description"]) == (2, 2, 1, 1, 0)


@pytest.mark.parametrize(("text", "names"), [
    ("Path", ["Path"]), ("List[Path]", ["List", "Path"]), ("Path | None", ["Path", "None"]),
    ("dict[str, cog.Path]", ["dict", "str", "cog"]), ("Input image", []), ("a " * 150, []),
])
def test_string_annotations_name_what_they_use(text: str, names: list[str]) -> None:
    assert annotation_names(text) == names


class _Functions(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[cst.FunctionDef] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.found.append(node)


YIELDING = """
def plain(): return 1
def gen():
    yield 1
async def agen():
    if x:
        yield y
def delegates():
    while x:
        yield from y
def nested():
    def inner():
        yield 1
    return inner
def lam(): return lambda: (yield)
class C:
    def m(self):
        class D:
            def n(self):
                yield
    @decorated
    def d(self):
        try:
            pass
        finally:
            yield 2
"""


WITH_YIELD = [p for p in PYTHON_FILES if "yield" in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("path", [None, *WITH_YIELD],
                         ids=lambda p: "inline" if p is None else str(p.relative_to(ROOT)))
def test_generators_found_from_pythons_tree_as_from_libcsts(path: Path | None, tmp_path: Path) -> None:
    if path is None:
        path = tmp_path / "gens.py"
        path.write_text(YIELDING)
    source = parse_source(path, path.name)
    functions = _Functions()
    source.module.visit(functions)
    assert functions.found
    for func in functions.found:
        assert source.is_generator(func) == _libcst_yields(func), func.name.value
    if path.name == "gens.py":
        yielding = {func.name.value for func in functions.found if source.is_generator(func)}
        assert yielding == {"gen", "agen", "delegates", "inner", "n", "d"}
