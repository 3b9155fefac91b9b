"""Rules on names rather than calls: Replicate's exceptions →
`fal_client.FalClientError`, and the `REPLICATE_API_TOKEN` variable → `FAL_KEY`."""

from __future__ import annotations

import libcst as cst

from cog2fal.codes import Code

EXCEPTIONS = {("exceptions", "ReplicateError"), ("exceptions", "ModelError"),
              ("exceptions", "ReplicateException"), ("ReplicateError",), ("ModelError",)}


class Exceptions:
    id = Code.CLIENT_EXCEPTIONS
    summary = "Replicate's exceptions"
    replicate = "`replicate.exceptions.ReplicateError`, `ModelError`, `ReplicateException`"
    fal = "`fal_client.FalClientError` (a failed request raises `FalClientHTTPError`, a subclass)"

    @staticmethod
    def replacement(path: list[str]) -> cst.BaseExpression | None:
        if tuple(path) in EXCEPTIONS:
            return cst.parse_expression("fal_client.FalClientError")
        return None


class Environment:
    id = Code.CLIENT_ENVIRONMENT
    summary = "the token's environment variable"
    replicate = "`\"REPLICATE_API_TOKEN\"` (os.environ, os.getenv, ...)"
    fal = "`\"FAL_KEY\"`"

    @staticmethod
    def replacement(node: cst.SimpleString) -> cst.SimpleString | None:
        if node.evaluated_value == "REPLICATE_API_TOKEN":
            quote = node.quote
            return node.with_changes(value=f"{node.prefix}{quote}FAL_KEY{quote}")
        return None
