"""Each rewrite rule: transformed cases, no-op cases, and the warnings or TODOs it leaves."""

from __future__ import annotations

from pathlib import Path

from cog2fal.writing.rewrites import registered_rules
from tests.writing.rewrites.helpers import check_noop, check_transformed, rewrite


def test_rules_run_in_a_fixed_documented_order() -> None:
    ids = [rule.id for rule in registered_rules()]
    assert ids == ["C2F200", "C2F201", "C2F202", "C2F203", "C2F204"]
    assert all(rule.__doc__ or rule.summary for rule in registered_rules())


# C2F201 input defaults ---------------------------------------------------------------------

def test_input_defaults_become_plain_defaults(tmp_path: Path) -> None:
    context = check_transformed(tmp_path, '''
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


def test_required_after_optional_makes_inputs_keyword_only(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(
                self,
                seed: int = Input(default=0),
                prompt: str = Input(description="Prompt"),
            ) -> str:
                return prompt
    ''', '''
        class Predictor:
            def predict(
                self,
                *,
                seed: int = 0,
                prompt: str,
            ) -> str:
                return prompt
    ''')


def test_none_default_on_a_plain_type_becomes_optional(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        import typing
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, seed: int = Input(default=None)) -> str:
                return str(seed)
    ''', '''
        import typing

        class Predictor:
            def predict(self, seed: typing.Optional[int] = None) -> str:
                return str(seed)
    ''')


def test_optional_is_imported_when_the_module_lacks_it(tmp_path: Path) -> None:
    code, _ = rewrite(tmp_path, '''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, seed: int = Input(default=None)) -> str:
                return str(seed)
    ''')
    assert code.startswith("from typing import Optional\n")
    assert "seed: Optional[int] = None" in code


def test_shared_descriptors_are_inlined_and_their_class_kept(tmp_path: Path) -> None:
    code, _ = rewrite(tmp_path, '''
        from cog import BasePredictor, Input

        class Inputs:
            prompt = Input(description="Prompt", default="a cat")

        class Predictor(BasePredictor):
            def predict(self, prompt: str = Inputs.prompt) -> str:
                return prompt
    ''')
    assert 'def predict(self, prompt: str = "a cat") -> str:' in code
    assert "from cog2fal_runtime import Input" in code  # `class Inputs` still calls it


def test_function_predictor_signature(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        from cog import Input

        def run(text: str = Input(description="Text")) -> str:
            return text
    ''', '''
        def run(text: str) -> str:
            return text
    ''', ref="predict.py:run")


def test_signature_without_cog_inputs_is_a_noop(tmp_path: Path) -> None:
    check_noop(tmp_path, '''
        class Predictor:
            def predict(self, text: str = "x", n: int = 2) -> str:
                return text * n
    ''')


# C2F202 legacy decorators ------------------------------------------------------------------

def test_legacy_decorators_move_defaults_into_the_signature(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        import cog

        class Predictor(cog.Predictor):
            def setup(self):
                pass

            @cog.input("text", type=str, help="Text")
            @cog.input("n", type=int, default=2, min=1)
            def predict(self, text, n):
                return text * n
    ''', '''
        class Predictor:
            def setup(self):
                pass

            def predict(self, text, n=2):
                return text * n
    ''')


# C2F203 predictor bases --------------------------------------------------------------------

def test_base_kept_when_the_class_calls_super(tmp_path: Path) -> None:
    code, _ = rewrite(tmp_path, '''
        from cog import BasePredictor

        class Predictor(BasePredictor):
            def setup(self):
                super().setup()

            def predict(self) -> str:
                return "x"
    ''')
    assert "class Predictor(BasePredictor):" in code
    assert "from cog2fal_runtime import BasePredictor" in code


def test_other_bases_are_kept(tmp_path: Path) -> None:
    code, _ = rewrite(tmp_path, '''
        from abc import ABC
        from cog import BasePredictor

        class Predictor(BasePredictor, ABC):
            def predict(self) -> str:
                return "x"
    ''')
    assert "class Predictor(ABC):" in code


# C2F204 imports ----------------------------------------------------------------------------

def test_cog_names_go_to_pathlib_and_the_runtime_module(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        # Prediction interface for Cog
        from cog import BasePredictor, Input, Path as CogPath, Secret, current_scope

        class Predictor(BasePredictor):
            def predict(self, token: Secret, image: CogPath = Input(description="x")) -> CogPath:
                current_scope().record_metric("n", 1)
                return image
    ''', '''
        # Prediction interface for Cog
        from pathlib import Path as CogPath
        from cog2fal_runtime import Secret, current_scope

        class Predictor:
            def predict(self, token: Secret, image: CogPath) -> CogPath:
                current_scope().record_metric("n", 1)
                return image
    ''')


def test_import_cog_used_as_a_module_is_aliased(tmp_path: Path) -> None:
    code, _ = rewrite(tmp_path, '''
        import os, cog

        class Predictor(cog.BasePredictor):
            def predict(self, text: str = cog.Input(description="t")) -> cog.Path:
                return cog.Path(os.getcwd())
    ''')
    assert "import os\nimport cog2fal_runtime as cog\n" in code
    assert "class Predictor:" in code


def test_comment_above_a_removed_import_is_kept(tmp_path: Path) -> None:
    code, _ = rewrite(tmp_path, '''
        import os

        # Cog's API
        from cog import BasePredictor

        class Predictor(BasePredictor):
            def predict(self) -> str:
                return os.sep
    ''')
    assert "# Cog's API\n" in code
    assert "cog" not in code.replace("# Cog's API", "")


# C2F200 TODO comments ----------------------------------------------------------------------

def test_unfoldable_choices_get_one_todo_even_on_a_second_run(tmp_path: Path) -> None:
    source = '''
        from cog import BasePredictor, Input
        from voices import VOICES

        class Predictor(BasePredictor):
            def predict(self, voice: str = Input(choices=VOICES, default="a")) -> str:
                return voice
    '''
    code, context = rewrite(tmp_path, source)
    todo = "# TODO(cog2fal): choices of input `voice` (`VOICES`)"
    assert code.count(todo) == 1
    assert code.index(todo) < code.index("def predict")
    assert [f.code for f in context.todos] == ["C2F106"]
    second_run = tmp_path / "again"
    second_run.mkdir()
    again, _ = rewrite(second_run, code)
    assert again.count(todo) == 1


def test_ellipsis_default_means_required(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, prompt: str = Input(..., description="Prompt")) -> str:
                return prompt
    ''', '''
        class Predictor:
            def predict(self, prompt: str) -> str:
                return prompt
    ''')


def test_default_factory_runs_per_call(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        import random
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, seed: int = Input(default_factory=random.random)) -> str:
                """Doc."""
                return str(seed)
    ''', '''
        import random
        from typing import Optional

        class Predictor:
            def predict(self, seed: Optional[int] = None) -> str:
                """Doc."""
                if seed is None:  # Cog's Input(default_factory=random.random)
                    seed = random.random()
                return str(seed)
    ''')


def test_optional_joins_an_existing_typing_import(tmp_path: Path) -> None:
    check_transformed(tmp_path, '''
        from typing import List
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, seed: int = Input(default=None)) -> List[str]:
                return [str(seed)]
    ''', '''
        from typing import List, Optional

        class Predictor:
            def predict(self, seed: Optional[int] = None) -> List[str]:
                return [str(seed)]
    ''')


def test_cog_name_without_stand_in_is_a_todo(tmp_path: Path) -> None:
    code, context = rewrite(tmp_path, '''
        from cog import BasePredictor, ChatMessage

        class Predictor(BasePredictor):
            def predict(self, text: str) -> str:
                return str(ChatMessage)
    ''')
    assert "from cog2fal_runtime import ChatMessage" in code
    assert [(f.code, f.severity, f.location.line) for f in context.findings] == [("C2F205", "todo", 1)]
