"""C2F200: a `# TODO(cog2fal): ...` comment above each place that needs a hand.

Runs first, on the original tree, so that findings' line numbers still point at their nodes.
A comment already present (a second conversion of converted code) is not added again.
"""

from __future__ import annotations

import libcst as cst

from cog2fal.writing.rewrites.base import RewriteContext, Rule

TODO_PREFIX = "# TODO(cog2fal): "
_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)


class _Targets(cst.CSTVisitor):
    """For each TODO line, the innermost statement whose lines contain it."""

    def __init__(self, context: RewriteContext, lines: set[int]):
        self.context, self.lines = context, lines
        self.best: dict[int, tuple[int, cst.CSTNode]] = {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, _STATEMENTS):
            start, end = self.context.source.lines_of(node)
            for line in self.lines:
                if start <= line <= end:
                    size = end - start
                    if line not in self.best or size <= self.best[line][0]:
                        self.best[line] = (size, node)
        return True


class TodoComments(Rule):
    id = "C2F200"
    summary = "mark what cannot be converted automatically with a TODO(cog2fal) comment"

    @classmethod
    def applies(cls, context: RewriteContext) -> bool:
        return bool(context.todos)

    def __init__(self, context: RewriteContext):
        super().__init__(context)
        lines = {todo.location.line for todo in context.todos if todo.location}
        finder = _Targets(context, lines)
        context.source.module.visit(finder)
        self.comments: dict[cst.CSTNode, list[str]] = {}
        for todo in context.todos:
            if todo.location and todo.location.line in finder.best:
                node = finder.best[todo.location.line][1]
                self.comments.setdefault(node, []).append(TODO_PREFIX + todo.message)

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        comments = self.comments.get(original_node)
        if comments and hasattr(updated_node, "leading_lines"):
            existing = {line.comment.value for line in updated_node.leading_lines if line.comment}
            new = [cst.EmptyLine(comment=cst.Comment(text)) for text in dict.fromkeys(comments)
                   if text not in existing]
            if new:
                self.changed = True
                return updated_node.with_changes(leading_lines=[*updated_node.leading_lines, *new])
        return updated_node
