"""Cog's API as cog2fal knows it: consistent with the real cog package and the shipped runtime."""

from __future__ import annotations

import ast
import json
import subprocess

import libcst as cst
import pytest

from cog2fal.reading.bindings import bindings_before
from cog2fal.reading.cog_api import (
    LEGACY_BASES,
    PREDICTOR_BASES,
    PUBLIC_NAMES,
    STAR_EXPORTS,
    legacy_input,
    legacy_input_name,
)
from tests.conftest import ROOT
from tests.support.cog_schema import cog016_python

RUNTIME = ROOT / "cog2fal" / "writing" / "support" / "cog2fal_runtime.py"
# What the runtime module exports for the generated app only, not as a stand-in for Cog.
RUNTIME_HELPERS = {"encode_output", "load_predictor", "prepared_inputs", "request_scope", "weights_from_env"}


def test_the_lists_agree_with_each_other() -> None:
    assert set(STAR_EXPORTS) <= PUBLIC_NAMES
    assert LEGACY_BASES <= PREDICTOR_BASES
    assert {base.removeprefix("cog.") for base in PREDICTOR_BASES} <= PUBLIC_NAMES


def test_the_runtime_module_stands_in_only_for_public_names() -> None:
    tree = ast.parse(RUNTIME.read_text(encoding="utf-8"))
    (exported,) = [ast.literal_eval(node.value) for node in tree.body
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"]
    assert set(exported) - RUNTIME_HELPERS <= PUBLIC_NAMES


@pytest.mark.cog_runtime
def test_real_cogs_exports_are_public_names() -> None:
    done = subprocess.run([cog016_python(), "-c", "import cog, json; print(json.dumps(cog.__all__))"],
                          capture_output=True, text=True, check=True)
    assert set(json.loads(done.stdout)) <= PUBLIC_NAMES


@pytest.mark.parametrize("imports, decorator", [
    ("import cog", "cog.input"),
    ("from cog import input as cog_input", "cog_input"),
    ("import cog as c", "c.input"),
])
def test_legacy_input_is_found_however_cog_is_imported(imports: str, decorator: str) -> None:
    module = cst.parse_module(f'{imports}\n\n@{decorator}("text", default="x")\ndef predict(text): pass\n')
    function = module.body[-1]
    assert isinstance(function, cst.FunctionDef)
    call = legacy_input(function.decorators[0], bindings_before(module))
    assert call is not None and legacy_input_name(call) == "text"


def test_other_decorators_and_unnamed_inputs() -> None:
    module = cst.parse_module('import cog\n\n@staticmethod\n@cog.input(name)\ndef f(): pass\n')
    function = module.body[-1]
    assert isinstance(function, cst.FunctionDef)
    bindings = bindings_before(module)
    assert legacy_input(function.decorators[0], bindings) is None
    call = legacy_input(function.decorators[1], bindings)
    assert call is not None and legacy_input_name(call) is None
