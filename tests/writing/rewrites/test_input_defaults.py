"""C2F201: `Input(...)` defaults in the entrypoint's signature become plain defaults."""

from __future__ import annotations

from cog2fal.writing.rewrites.input_defaults import InputDefaults
from tests.writing.rewrites.helpers import check_noop, check_transformed, rewrite


def test_alone_it_rewrites_the_signature_and_leaves_the_imports() -> None:
    context = check_transformed('''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, n: int = Input(default=2, ge=1)) -> int:
                return n
    ''', '''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, n: int = 2) -> int:
                return n
    ''', [InputDefaults])
    assert context.applied == ["C2F201"] and context.removed["Input"] == 1 and not context.findings


def test_alone_an_input_outside_the_entrypoint_is_left() -> None:
    check_noop('''
        from cog import BasePredictor, Input

        def helper(n: int = Input(default=2)) -> int:
            return n

        class Predictor(BasePredictor):
            def predict(self, n: int = 3) -> int:
                return helper(n)
    ''', [InputDefaults])


def test_required_after_optional_makes_inputs_keyword_only() -> None:
    check_transformed('''
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


def test_none_default_on_a_plain_type_becomes_optional() -> None:
    check_transformed('''
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


def test_optional_is_imported_when_the_module_lacks_it() -> None:
    code, _ = rewrite('''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, seed: int = Input(default=None)) -> str:
                return str(seed)
    ''')
    assert code.startswith("from typing import Optional\n")
    assert "seed: Optional[int] = None" in code


def test_shared_descriptors_are_inlined_and_their_class_kept() -> None:
    code, _ = rewrite('''
        from cog import BasePredictor, Input

        class Inputs:
            prompt = Input(description="Prompt", default="a cat")

        class Predictor(BasePredictor):
            def predict(self, prompt: str = Inputs.prompt) -> str:
                return prompt
    ''')
    assert 'def predict(self, prompt: str = "a cat") -> str:' in code
    assert "from cog2fal_runtime import Input" in code  # `class Inputs` still calls it


def test_function_predictor_signature() -> None:
    check_transformed('''
        from cog import Input

        def run(text: str = Input(description="Text")) -> str:
            return text
    ''', '''
        def run(text: str) -> str:
            return text
    ''', entrypoint="run")


def test_signature_without_cog_inputs_is_a_noop() -> None:
    check_noop('''
        class Predictor:
            def predict(self, text: str = "x", n: int = 2) -> str:
                return text * n
    ''')



def test_ellipsis_default_means_required() -> None:
    check_transformed('''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, prompt: str = Input(..., description="Prompt")) -> str:
                return prompt
    ''', '''
        class Predictor:
            def predict(self, prompt: str) -> str:
                return prompt
    ''')


def test_default_factory_runs_per_call() -> None:
    check_transformed('''
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


def test_optional_joins_an_existing_typing_import() -> None:
    check_transformed('''
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


HELPERS = '''
    from cog import BasePredictor, Input

    class Inputs:
        @staticmethod
        def steps_with(default=None, le=50):
            return Input(description="Steps", ge=1, le=le, default=default)

        @staticmethod
        def prompt_with(description):
            return Input(description=description)

    def runtime_with(default):
        return Input(default=default)
'''


def test_a_folded_helper_call_gives_way_to_its_default() -> None:
    """Its default, bounds and description now live in the fal Input model; required when the
    returned `Input()` has no default, and `Optional[...] = None` for `default=None` on an int."""
    context = check_transformed(HELPERS + '''
    class Predictor(BasePredictor):
        def predict(self, prompt: str = Inputs.prompt_with("P"), steps: int = Inputs.steps_with(28),
                    seed: int = Inputs.steps_with(), ratio: float = Inputs.steps_with(default=0.5)) -> str:
            return prompt
    ''', HELPERS + '''
    class Predictor(BasePredictor):
        def predict(self, prompt: str, steps: int = 28,
                    seed: Optional[int] = None, ratio: float = 0.5) -> str:
            return prompt
    ''', [InputDefaults])
    assert context.needed_typing == {"Optional"} and context.removed["Input"] == 0


def test_a_helper_whose_default_is_computed_at_run_time_stays() -> None:
    check_noop(HELPERS.replace("from cog", "import os\n    from cog") + '''
    class Predictor(BasePredictor):
        def predict(self, steps: int = runtime_with(int(os.environ["STEPS"]))) -> int:
            return steps
    ''', [InputDefaults])


def test_an_input_kept_in_a_module_constant_is_inlined() -> None:
    check_transformed('''
        from cog import BasePredictor, Input

        STEPS = Input(description="Steps", default=4)

        class Predictor(BasePredictor):
            def predict(self, steps: int = STEPS) -> int:
                return steps
    ''', '''
        from cog import BasePredictor, Input

        STEPS = Input(description="Steps", default=4)

        class Predictor(BasePredictor):
            def predict(self, steps: int = 4) -> int:
                return steps
    ''', [InputDefaults])
