"""Inputs declared by helpers of the same file (replicate/cog-flux's `Inputs.num_steps_with(...)`)
and shared descriptors read through an instance: their defaults, bounds and descriptions reach
the schema; what cannot be folded keeps today's run-time default and gets a TODO at its line."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import MISSING
from cog2fal.reading.project_reader import read_project

FLUX = '''
    from dataclasses import dataclass
    from cog import BasePredictor, Input

    MAX_STEPS = 50

    @dataclass(frozen=True)
    class Inputs:
        prompt = Input(description="Prompt for generated image")

        @staticmethod
        def num_inference_steps_with(default: int, le: int, recommended: int | tuple[int, int]) -> Input:
            description = "Number of denoising steps. "
            if isinstance(recommended, tuple):
                description += f"Recommended range is {recommended[0]}-{recommended[1]}."
            else:
                description += f"{recommended} is recommended."
            return Input(description=description, ge=1, le=le, default=default)

        @staticmethod
        def guidance_with(default: float, le: float = MAX_STEPS) -> Input:
            return Input(description="Guidance", ge=0, le=le, default=default)

        @classmethod
        def seed_with(cls, description: str = "Random seed") -> Input:
            return Input(description=description, default=None)

    SHARED = Inputs()

    def megapixels(match_input=False, **kwargs):
        choices = ["1", "0.25"]
        if match_input:
            choices = choices + ["match_input"]
        return Input(description="Megapixels", choices=choices, **kwargs)
'''


def project(tmp_path: Path, source: str):
    (tmp_path / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
    (tmp_path / "predict.py").write_text(textwrap.dedent(source).lstrip())
    return read_project(tmp_path)


def inputs_of(tmp_path: Path, signature: str, prelude: str = FLUX):
    result = project(tmp_path, prelude + f'''
    class Predictor(BasePredictor):
        def predict(self, {signature}) -> str:
            return "x"
    ''')
    return {f.name: f for f in result.predictor.inputs}, result.findings


def test_a_flux_static_helper_publishes_its_default_bounds_and_description(tmp_path: Path) -> None:
    fields, findings = inputs_of(tmp_path, "steps: int = Inputs.num_inference_steps_with("
                                           "le=50, default=28, recommended=(28, 50))")
    steps = fields["steps"]
    assert (steps.default, steps.ge, steps.le) == (28, 1, 50)
    assert steps.description == "Number of denoising steps. Recommended range is 28-50."
    assert steps.declared_by == "Inputs.num_inference_steps_with"
    assert not steps.default_source and not findings


def test_the_other_branch_and_parameter_defaults_fold(tmp_path: Path) -> None:
    fields, _ = inputs_of(tmp_path, "steps: int = Inputs.num_inference_steps_with(4, 4, 4), "
                                    "guidance: float = Inputs.guidance_with(3.5)")
    assert fields["steps"].description == "Number of denoising steps. 4 is recommended."
    assert (fields["guidance"].default, fields["guidance"].le) == (3.5, 50)


def test_classmethods_instances_and_module_functions_with_kwargs(tmp_path: Path) -> None:
    fields, findings = inputs_of(
        tmp_path, 'prompt: str = SHARED.prompt, seed: int = Inputs.seed_with(), '
                  'fast: float = SHARED.guidance_with(default=1, le=2), '
                  'mp: str = megapixels(True, default="1")')
    assert fields["prompt"].description == "Prompt for generated image" and fields["prompt"].required
    seed = fields["seed"]  # `Input(default=None)` on `int`: optional, as written in the signature
    assert seed.description == "Random seed" and seed.optional_by_none_default and seed.default is MISSING
    assert (fields["fast"].default, fields["fast"].le) == (1, 2)
    assert fields["mp"].choices == ["1", "0.25", "match_input"] and fields["mp"].default == "1"
    assert not findings


def test_an_argument_that_does_not_fold_costs_only_its_own_keyword(tmp_path: Path) -> None:
    fields, findings = inputs_of(tmp_path, "guidance: float = Inputs.guidance_with("
                                           "default=float(os.environ['G']), le=10)",
                                 FLUX.replace("    from dataclasses", "    import os\n    from dataclasses"))
    guidance = fields["guidance"]
    assert guidance.le == 10 and guidance.description == "Guidance"
    assert guidance.default is MISSING and guidance.default_source.startswith("Inputs.guidance_with(")
    assert [f.code for f in findings] == [Code.RUNTIME_DEFAULT]


@pytest.mark.parametrize("body", [
    "for i in range(3):\n                pass\n            return Input(default=default)",
    "return Input(default=default, **compute())",
    "if os.environ.get('X'):\n                default = 2\n            return Input(default=default)",
    "x = Input(default=default)\n            return x",
    "return Field(default=default) if default else Input(default=default)",
])
def test_a_body_that_does_not_fold_keeps_the_run_time_default_with_a_todo(
        tmp_path: Path, body: str) -> None:
    prelude = f'''
    import os
    from cog import BasePredictor, Input

    class Inputs:
        @staticmethod
        def steps_with(default):
            {body}
    '''
    fields, findings = inputs_of(tmp_path, "steps: int = Inputs.steps_with(28)", prelude)
    steps = fields["steps"]
    assert steps.default is MISSING and steps.default_source == "Inputs.steps_with(28)"
    assert steps.declared_by is None
    todo = next(f for f in findings if f.code == Code.INPUT_HELPER_NOT_FOLDED)
    text = (tmp_path / "predict.py").read_text().splitlines()
    assert "Inputs.steps_with(28)" in text[todo.location.line - 1]
    assert "`Inputs.steps_with(...)`" in todo.message
    assert Code.RUNTIME_DEFAULT in [f.code for f in findings]


def test_a_function_that_builds_no_input_is_a_plain_run_time_default(tmp_path: Path) -> None:
    fields, findings = inputs_of(tmp_path, "steps: int = default_steps()", '''
    from cog import BasePredictor, Input

    def default_steps():
        return 28
    ''')
    assert fields["steps"].default_source == "default_steps()"
    assert [f.code for f in findings] == [Code.RUNTIME_DEFAULT]


def test_an_unknown_keyword_in_the_returned_input_is_refused_at_the_call(tmp_path: Path) -> None:
    with pytest.raises(CogProjectError) as error:
        inputs_of(tmp_path, "steps: int = Inputs.steps_with(28)", '''
    from cog import BasePredictor, Input

    class Inputs:
        @staticmethod
        def steps_with(default):
            return Input(default=default, maximum=50)
    ''')
    text = (tmp_path / "predict.py").read_text().splitlines()
    assert "Inputs.steps_with(28)" in text[error.value.line - 1] and "'maximum'" in str(error.value)


def test_a_helper_that_hangs_or_explodes_is_refused_quickly(tmp_path: Path) -> None:
    fields, findings = inputs_of(tmp_path, "steps: int = Inputs.steps_with(28)", '''
    from cog import BasePredictor, Input

    class Inputs:
        @staticmethod
        def steps_with(default):
            text = "x" * 100000
            text = text * 100000
            return Input(default=default, description=text)
    ''')
    assert fields["steps"].default_source and Code.INPUT_HELPER_NOT_FOLDED in [f.code for f in findings]


def test_a_long_helper_called_for_every_parameter_costs_seconds_not_minutes(tmp_path: Path) -> None:
    """Each fold has its own step budget; all the helpers of a file share one more, after which
    the rest keep their run-time defaults (with the TODO)."""
    body = "".join(f"            x = x + {i}\n" for i in range(4000))
    params = ", ".join(f"p{i}: int = Inputs.steps_with({i})" for i in range(400))
    started = time.monotonic()
    fields, findings = inputs_of(tmp_path, params, f'''
    from cog import BasePredictor, Input

    class Inputs:
        @staticmethod
        def steps_with(x):
{body}            return Input(default=x)
    ''')
    assert time.monotonic() - started < 30
    assert fields["p0"].default == sum(range(4000)) and fields["p399"].default_source
    assert Code.INPUT_HELPER_NOT_FOLDED in [f.code for f in findings]


def test_an_input_kept_in_a_module_constant_is_a_shared_descriptor(tmp_path: Path) -> None:
    fields, findings = inputs_of(tmp_path, "prompt: str = PROMPT, steps: int = STEPS", '''
    from cog import BasePredictor, Input

    PROMPT = Input(description="Prompt")
    STEPS: Input = Input(description="Steps", default=4, ge=1)
    ''')
    assert fields["prompt"].description == "Prompt" and fields["prompt"].required
    assert (fields["steps"].default, fields["steps"].ge) == (4, 1) and not findings
