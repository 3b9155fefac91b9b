"""C2F203: Cog's predictor base classes are dropped, unless the class still needs one."""

from __future__ import annotations

import pytest

from cog2fal.writing.rewrites.predictor_bases import PredictorBases
from tests.writing.rewrites.helpers import check_noop, check_transformed, rewrite


@pytest.mark.parametrize("imports, base", [
    ("from cog import BasePredictor", "BasePredictor"),
    ("from cog import BaseRunner", "BaseRunner"),
    ("import cog", "cog.Predictor"),
    ("from cog.base_predictor import BasePredictor as Base", "Base"),
])
def test_alone_each_base_goes_and_the_import_stays(imports: str, base: str) -> None:
    context = check_transformed(f'''
        {imports}

        class Predictor({base}):
            def predict(self) -> str:
                return "x"
    ''', f'''
        {imports}

        class Predictor:
            def predict(self) -> str:
                return "x"
    ''', [PredictorBases])
    assert context.applied == ["C2F203"] and not context.findings


def test_a_class_without_cogs_bases_is_a_noop() -> None:
    check_noop('''
        from abc import ABC

        class Predictor(ABC):
            def predict(self) -> str:
                return "x"
    ''', [PredictorBases])


def test_a_class_that_records_metrics_keeps_its_base() -> None:
    check_noop('''
        from cog import BasePredictor

        class Predictor(BasePredictor):
            def predict(self) -> str:
                self.record_metric("n", 1)
                return "x"
    ''', [PredictorBases])


def test_base_kept_when_the_class_calls_super() -> None:
    code, _ = rewrite('''
        from cog import BasePredictor

        class Predictor(BasePredictor):
            def setup(self):
                super().setup()

            def predict(self) -> str:
                return "x"
    ''')
    assert "class Predictor(BasePredictor):" in code
    assert "from cog2fal_runtime import BasePredictor" in code


def test_other_bases_are_kept() -> None:
    code, _ = rewrite('''
        from abc import ABC
        from cog import BasePredictor

        class Predictor(BasePredictor, ABC):
            def predict(self) -> str:
                return "x"
    ''')
    assert "class Predictor(ABC):" in code
