"""C2F202: the 2021 `@cog.input` decorators become defaults in the signature."""

from __future__ import annotations

from cog2fal.writing.rewrites.legacy_inputs import LegacyInputs
from tests.writing.rewrites.helpers import check_noop, check_transformed, rewrite


def test_alone_the_decorators_go_and_the_import_stays() -> None:
    context = check_transformed('''
        import cog

        class Predictor(cog.Predictor):
            # the entrypoint
            @cog.input("n", type=int, default=2)
            def predict(self, n):
                return n
    ''', '''
        import cog

        class Predictor(cog.Predictor):
            # the entrypoint
            def predict(self, n=2):
                return n
    ''', [LegacyInputs])
    assert context.applied == ["C2F202"] and context.removed["cog"] == 1 and not context.findings


def test_current_api_is_a_noop() -> None:
    check_noop('''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, n: int = Input(default=2)) -> int:
                return n
    ''', [LegacyInputs])


def test_legacy_decorators_move_defaults_into_the_signature() -> None:
    check_transformed('''
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


def test_parameters_without_a_decorator_keep_their_default() -> None:
    """They are no inputs, so the app never passes them: called with the published inputs only,
    the method runs with their defaults, as under Cog."""
    code, context = rewrite('''
        import cog

        class Predictor(cog.Predictor):
            @cog.input("n", type=int, default=2)
            @cog.input("text", type=str)
            def predict(self, text, n, debug=False, *, scale=1.5):
                return text * n, debug, scale
    ''')
    assert "def predict(self, text, n=2, debug=False, *, scale=1.5):" in code
    assert [field.name for field in context.entrypoints[0].inputs] == ["text", "n"]
    assert "cog" not in code
    namespace: dict = {}
    exec(compile(code, "predict.py", "exec"), namespace)
    assert namespace["Predictor"]().predict(text="ab") == ("abab", False, 1.5)
