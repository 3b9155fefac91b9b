"""The ordered registry, and the rules run together as `convert` runs them."""

from __future__ import annotations

from cog2fal.writing.codemod.rule import Rule
from cog2fal.writing.rewrites import RULES, registered_rules
from tests.writing.rewrites.helpers import check_transformed


def test_every_rule_is_registered_once_with_an_id_and_a_summary() -> None:
    assert len(set(RULES)) == len(RULES) and all(issubclass(rule, Rule) for rule in RULES)
    assert all(rule.id.startswith("C2F2") and rule.summary for rule in RULES)
    assert registered_rules() == list(RULES)


def test_rules_run_in_a_fixed_documented_order() -> None:
    ids = [rule.id for rule in registered_rules()]
    assert ids == ["C2F200", "C2F201", "C2F202", "C2F203", "C2F204"]
    assert all(rule.__doc__ or rule.summary for rule in registered_rules())



def test_input_defaults_become_plain_defaults() -> None:
    context = check_transformed('''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, steps: int = Input(default=20, ge=1, description="Steps"),
                        text: str = Input("hello")) -> str:
                return text * steps
    ''', '''
        class Predictor:
            def predict(self, steps: int = 20,
                        text: str = "hello") -> str:
                return text * steps
    ''')
    assert context.applied == ["C2F201", "C2F203", "C2F204"]
