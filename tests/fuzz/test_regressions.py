"""Crashes the fuzzer found, each as the smallest project that showed it (fixed unless xfail)."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import convert_case

COG_YAML = 'predict: "predict.py:Predictor"\n'


def predictor(signature: str, head: str = "from cog import BasePredictor, Input\n") -> str:
    return (f"{head}\n\nclass Predictor(BasePredictor):\n    def predict({signature}) -> str:\n"
            "        return ''\n")


@pytest.mark.parametrize("choices", ["[]", "()", "''", "{}", "set()", "EMPTY", "[c for c in 'ab' if 0]"])
def test_empty_choices_are_dropped_not_rendered_as_an_empty_literal(choices: str) -> None:
    """`choices=[]` rendered `Literal[]` in fal_app.py, which does not compile."""
    signature = (f"self, size: str = Input(choices={choices}), "
                 f"n: int | None = Input(choices={choices}, default=None)")
    source = predictor(signature, "from cog import BasePredictor, Input\nEMPTY = []\n")
    outcome = convert_case({"predict.py": source, "cog.yaml": COG_YAML})
    assert outcome.exit_code == 0, outcome.stderr


@pytest.mark.xfail(strict=True, reason="writing/rewrites/signatures.py: keep_signature_legal ignores a "
                   "default on the first parameter of a method (the one bound to the instance)")
def test_method_whose_first_parameter_has_an_input_default() -> None:
    """`def predict(x=Input(...), y: str = Input(...))` (no `self`): removing y's Input default
    left `y` without a default after `x` with one; libcst refused the rewritten signature."""
    source = predictor("first: str = Input(default='a'), second: str = Input(description='d')")
    outcome = convert_case({"predict.py": source, "cog.yaml": COG_YAML})
    assert outcome.exit_code == 0, outcome.stderr
