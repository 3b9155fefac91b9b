"""Properties of how inputs are read, on generated code.

- A helper that builds an `Input(...)` (replicate/cog-flux's `Inputs.num_steps_with(...)`) folds
  to exactly what running it returns, whenever it folds; a body in the supported subset
  (assignments, `+=`, `if`, f-strings, `isinstance`, `**kwargs` passed through) always folds
  unless running it fails; anything else is refused, never folded to a wrong value. Running the
  generated helper here is fine: it is the test's own code, never a project's.
- Under the 2021 `@cog.input` API the published inputs are exactly the decorated parameters;
  an undecorated parameter without a default is refused at its line, one with a default keeps it,
  and the rewritten `predict()` runs when called with the published inputs only.
"""

from __future__ import annotations

import tempfile
import textwrap
import warnings
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cog2fal.convert import ConvertOptions, convert_project
from cog2fal.errors import CogProjectError
from cog2fal.reading.folding import Folder, NotFoldable

SETTINGS = settings(deadline=None, database=None, max_examples=150,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CONSTANTS = {"LIMIT": "50", "NAMES": '["a", "b"]', "PAIR": "(28, 50)"}
LITERALS = st.one_of(st.sampled_from(["1", "28", "-3", "0", "LIMIT"]),
                     st.sampled_from(["0.5", "'x'", "'steps'", "True", "None", "(28, 50)", "NAMES",
                                      "PAIR", "[1, 2]"]))


def _expression(names: list[str]) -> st.SearchStrategy[str]:
    leaves = st.one_of(LITERALS, st.sampled_from(names)) if names else LITERALS
    return st.recursive(leaves, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "*", "-", "==", "<", "and", "or"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda e: f'f"n={{{e}}}!"'),
        inner.map(lambda e: f"isinstance({e}, (int, tuple))"),
        st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
        inner.map(lambda e: f"{e}[0]"),
        inner.map(lambda e: f"PAIR[{e} == 1]"),
    ), max_leaves=4)


UNSUPPORTED = ["for i in range(2):\n    pass", "while False:\n    pass", "import os",
               "def inner():\n    return 1", "global LIMIT", "assert True", "del {name}",
               "try:\n    pass\nexcept Exception:\n    pass", "{name}.append(1)", "print({name})"]


@st.composite
def statements(draw: st.DrawFn, names: list[str], depth: int, supported: bool) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.integers(0, 9))
        if kind <= 4:
            target = draw(st.sampled_from([*names, "local_a", "local_b"]))
            lines.append(f"{target} = {draw(_expression(names))}")
            names = sorted({*names, target})
        elif kind <= 6 and names:
            lines.append(f"{draw(st.sampled_from(names))} += {draw(_expression(names))}")
        elif kind <= 8 and depth < 2:
            body = draw(statements(names, depth + 1, supported)) or ["pass"]
            orelse = draw(statements(names, depth + 1, supported))
            block = [f"if {draw(_expression(names))}:", *("    " + line for line in body)]
            if orelse:
                block += ["else:", *("    " + line for line in orelse)]
            lines.append("\n".join(block))
        elif not supported:
            name = draw(st.sampled_from(names or ["x"]))
            lines.append(draw(st.sampled_from(UNSUPPORTED)).format(name=name))
    return "\n".join(lines).splitlines()


@st.composite
def helpers(draw: st.DrawFn) -> tuple[str, str, bool]:
    """(the helper's `def`, a call of it, whether its body stays in the supported subset)."""
    count = draw(st.integers(0, 3))
    params = [f"p{i}" for i in range(count)]
    with_default = draw(st.integers(0, count))  # the last ones have defaults
    signature = [p if i < count - with_default else f"{p}={draw(LITERALS)}" for i, p in enumerate(params)]
    kwargs = draw(st.booleans())
    if kwargs:
        signature.append("**extra")
    supported = not draw(st.integers(0, 3)) == 0
    body = draw(statements(params, 0, supported))
    known = sorted({*params, *(line.split(" ")[0] for line in body if " = " in line and
                              not line.startswith(" "))})
    keywords = [f"{key}={draw(_expression(known))}" for key in
                draw(st.lists(st.sampled_from(["default", "description", "ge", "le", "choices"]),
                              max_size=3, unique=True))]
    positional = [draw(_expression(known))] if draw(st.booleans()) else []
    if kwargs:
        keywords.append("**extra")
    body.append(f"return Input({', '.join([*positional, *keywords])})")
    definition = "def helper(" + ", ".join(signature) + "):\n" + textwrap.indent("\n".join(body), "    ")
    given_args = draw(st.integers(0, count))
    arguments = [draw(LITERALS) for _ in range(given_args)]
    required = params[:count - with_default]
    named = [f"{p}={draw(LITERALS)}" for p in params[given_args:] if p in required or draw(st.booleans())]
    if kwargs:
        keys = st.lists(st.sampled_from(["regex", "min_length", "max_length"]), max_size=2, unique=True)
        named += [f"{key}={draw(LITERALS)}" for key in draw(keys)]
    return definition, f"helper({', '.join([*arguments, *named])})", supported


def _run(definition: str, call: str):
    namespace = {"Input": lambda *args, **kwargs: (list(args), kwargs), "LIMIT": 50,
                 "NAMES": ["a", "b"], "PAIR": (28, 50)}
    with warnings.catch_warnings():  # `1[0]` warns at compile time; it fails when run, as meant
        warnings.simplefilter("ignore")
        exec(compile(definition, "helper.py", "exec"), namespace)
        return eval(compile(call, "call.py", "eval"), namespace)


@SETTINGS
@given(helpers())
def test_a_folded_helper_returns_what_running_it_returns(case: tuple[str, str, bool]) -> None:
    definition, call, supported = case
    try:
        expected = _run(definition, call)
    except Exception:
        expected = None  # it fails when run: folding must not invent a value
    try:
        returned = Folder(CONSTANTS).fold_helper_call(definition, call)
    except NotFoldable:
        event("refused: " + ("fails when run" if expected is None else
                             "outside the subset" if not supported else "WRONG"))
        assert expected is None or not supported, f"{definition}\n{call}\nran to {expected!r}"
        return
    values = [*returned.args, *returned.kwargs.values()]
    event("folded, an argument fails when run" if expected is None else "folded")
    if expected is None:  # an argument that fails when run is one folding declines
        assert any(isinstance(v, NotFoldable) for v in values), f"{definition}\n{call}\n{returned}"
        return
    assert not [v for v in values if isinstance(v, NotFoldable)], f"{definition}\n{call}\n{returned}"
    assert returned.callee == "Input" and (returned.args, returned.kwargs) == expected, \
        f"{definition}\n{call}\n{returned}\n{expected}"

@st.composite
def legacy_predictors(draw: st.DrawFn) -> tuple[str, list[str], dict[str, str], str | None]:
    """(predict.py, decorated names, undecorated name → default, the first refused name)."""
    count = draw(st.integers(1, 5))
    names = [f"arg{i}" for i in range(count)]
    decorated = [n for n in names if draw(st.booleans())] or [names[0]]
    with_default = draw(st.integers(0, count))  # Python wants the defaults last
    defaults = {n: draw(st.sampled_from(["0", "'d'", "None", "[1]"]))
                for i, n in enumerate(names) if i >= count - with_default}
    decorators = [f'    @cog.input("{n}", type=str{", default=" + repr(n) if draw(st.booleans()) else ""})'
                  for n in decorated]
    params = [f"{n}={defaults[n]}" if n in defaults else n for n in names]
    one_per_line = draw(st.booleans())
    joiner = ",\n                " if one_per_line else ", "
    source = ("import cog\n\n\nclass Predictor(cog.Predictor):\n" + "\n".join(decorators) +
              f"\n    def predict(self{joiner}{joiner.join(params)}):\n"
              f"        return {{{', '.join(f'{n!r}: {n}' for n in names)}}}\n")
    refused = next((n for n in names if n not in decorated and n not in defaults), None)
    return source, decorated, {n: d for n, d in defaults.items() if n not in decorated}, refused


@SETTINGS
@given(legacy_predictors())
def test_legacy_inputs_are_the_decorated_parameters(case) -> None:
    source, decorated, kept, refused = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "cog.yaml").write_text('predict: "predict.py:Predictor"\n')
        (root / "predict.py").write_text(source)
        try:
            conversion = convert_project(root, ConvertOptions(mode="app"))
        except CogProjectError as error:
            event("refused")
            assert refused is not None, f"{source}\n{error}"
            line = source.splitlines()[error.line - 1]
            assert f"`{refused}`" in error.message and refused in line, f"{source}\n{error}"
            return
    event("converted, with parameters that are no inputs" if kept else "converted")
    assert refused is None, source
    assert [spec.name for spec in conversion.project.predictor.inputs] == [
        n for n in sorted(decorated, key=lambda n: int(n[3:]))]
    rewritten = conversion.files["predict.py"]
    namespace: dict = {}
    exec(compile(rewritten, "predict.py", "exec"), namespace)
    given_inputs = {n: f"value of {n}" for n in decorated}
    result = namespace["Predictor"]().predict(**given_inputs)
    assert result == {**{n: eval(d) for n, d in kept.items()}, **given_inputs}, rewritten
