"""C2F200: a `# TODO(cog2fal)` comment above each place that needs a hand."""

from __future__ import annotations

import textwrap

from cog2fal.writing.rewrites.todo_comments import TodoComments
from tests.writing.rewrites.helpers import check_noop, rewrite


def test_alone_it_marks_the_innermost_statement() -> None:
    before = '''
        from cog import BasePredictor, Input
        from voices import VOICES

        class Predictor(BasePredictor):
            def predict(self, voice: str = Input(choices=VOICES)) -> str:
                return voice
    '''
    code, context = rewrite(before, [TodoComments])
    (todo,) = context.todos
    assert todo.code == "C2F106" and todo.message.startswith("choices of input `voice` (`VOICES`)")
    lines = textwrap.dedent(before).lstrip("\n").splitlines(keepends=True)
    lines.insert(4, f"    # TODO(cog2fal): {todo.message}\n")
    assert code == "".join(lines)
    assert context.applied == ["C2F200"] and not context.findings


def test_nothing_to_mark_is_a_noop() -> None:
    check_noop('''
        from cog import BasePredictor, Input

        class Predictor(BasePredictor):
            def predict(self, voice: str = Input(choices=["a", "b"])) -> str:
                return voice
    ''', [TodoComments])


def test_unfoldable_choices_get_one_todo_even_on_a_second_run() -> None:
    source = '''
        from cog import BasePredictor, Input
        from voices import VOICES

        class Predictor(BasePredictor):
            def predict(self, voice: str = Input(choices=VOICES, default="a")) -> str:
                return voice
    '''
    code, context = rewrite(source)
    todo = "# TODO(cog2fal): choices of input `voice` (`VOICES`)"
    assert code.count(todo) == 1
    assert code.index(todo) < code.index("def predict")
    assert [f.code for f in context.todos] == ["C2F106"]
    again, _ = rewrite(code)
    assert again.count(todo) == 1
