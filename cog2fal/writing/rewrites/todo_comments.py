"""A `# TODO(cog2fal): ...` comment above each place that needs a hand.

Runs first, on the original tree, so that findings' line numbers still point at their nodes.
A comment already present (a second conversion of converted code) is not added again.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.codes import Code
from cog2fal.writing.codemod.context import RewriteContext
from cog2fal.writing.codemod.rule import Rule
from cog2fal.writing.codemod.statements import statement_fields

TODO_PREFIX = "# TODO(cog2fal): "
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


def _innermost_statements(context: RewriteContext, lines: set[int]) -> dict[int, cst.CSTNode]:
    """For each TODO line, the innermost statement whose lines contain it."""
    best: dict[int, tuple[int, cst.CSTNode]] = {}
    stack: list[cst.CSTNode] = [context.source.module]
    while stack:
        node = stack.pop()
        if isinstance(node, _STATEMENTS):
            start, end = context.source.lines_of(node)
            for line in lines:
                # Inner statements come later on the stack, so `<=` lets them win ties.
                if start <= line <= end and (line not in best or end - start <= best[line][0]):
                    best[line] = (end - start, node)
        for name in statement_fields(type(node)):
            value = getattr(node, name)
            children = [value] if isinstance(value, cst.CSTNode) else list(value or ())
            stack.extend(reversed(children))
    return {line: node for line, (_, node) in best.items()}


class TodoComments(Rule):
    id = Code.RULE_TODO_COMMENTS
    summary = "mark what cannot be converted automatically with a TODO(cog2fal) comment"

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return bool(context.todos)

    def __init__(self, context: RewriteContext):
        super().__init__(context)
        lines = {todo.location.line for todo in context.todos if todo.location}
        targets = _innermost_statements(context, lines)
        self.comments: dict[cst.CSTNode, list[str]] = {}
        for todo in context.todos:
            if todo.location and todo.location.line in targets:
                node = targets[todo.location.line]
                self.comments.setdefault(node, []).append(TODO_PREFIX + todo.message)

    def _add_comments(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:
        comments = self.comments.get(original_node)
        if comments:
            existing = {line.comment.value for line in updated_node.leading_lines if line.comment}  # type: ignore[attr-defined]
            new = [cst.EmptyLine(comment=cst.Comment(text)) for text in dict.fromkeys(comments)
                   if text not in existing]
            if new:
                self.changed = True
                return updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *new])  # type: ignore[attr-defined]
        return updated_node

    # Every statement can hold a TODO: simple lines and each kind of compound statement.
    leave_SimpleStatementLine = leave_ClassDef = leave_FunctionDef = leave_If = leave_For = \
        leave_While = leave_Try = leave_TryStar = leave_With = leave_Match = _add_comments
