"""C2F204: imports of `cog` go to pathlib or the shipped runtime module; C2F205 for the rest."""

from __future__ import annotations

from cog2fal.writing.rewrites.cog_imports import CogImports
from tests.writing.rewrites.helpers import check_noop, check_transformed, rewrite


def test_alone_every_used_name_moves_to_the_runtime_module() -> None:
    context = check_transformed('''
        from cog import BasePredictor, Input, Path

        class Predictor(BasePredictor):
            def predict(self, image: Path = Input()) -> Path:
                return image
    ''', '''
        from cog2fal_runtime import BasePredictor, Input
        from pathlib import Path

        class Predictor(BasePredictor):
            def predict(self, image: Path = Input()) -> Path:
                return image
    ''', [CogImports])
    assert context.applied == ["C2F204"] and not context.findings


def test_a_module_without_cog_is_a_noop() -> None:
    check_noop('''
        from pathlib import Path

        class Predictor:
            def predict(self, image: Path) -> Path:
                return image
    ''', [CogImports])


def test_cog_names_go_to_pathlib_and_the_runtime_module() -> None:
    check_transformed('''
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


def test_import_cog_used_as_a_module_is_aliased() -> None:
    code, _ = rewrite('''
        import os, cog

        class Predictor(cog.BasePredictor):
            def predict(self, text: str = cog.Input(description="t")) -> cog.Path:
                return cog.Path(os.getcwd())
    ''')
    assert "import os\nimport cog2fal_runtime as cog\n" in code
    assert "class Predictor:" in code


def test_comment_above_a_removed_import_is_kept() -> None:
    code, _ = rewrite('''
        import os

        # Cog's API
        from cog import BasePredictor

        class Predictor(BasePredictor):
            def predict(self) -> str:
                return os.sep
    ''')
    assert "# Cog's API\n" in code
    assert "cog" not in code.replace("# Cog's API", "")



def test_cog_name_without_stand_in_is_a_todo() -> None:
    code, context = rewrite('''
        from cog import BasePredictor, ChatMessage

        class Predictor(BasePredictor):
            def predict(self, text: str) -> str:
                return str(ChatMessage)
    ''')
    assert "from cog2fal_runtime import ChatMessage" in code
    assert [(f.code, f.severity, f.location.line) for f in context.findings] == [("C2F205", "todo", 1)]
