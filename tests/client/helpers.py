"""Before/after checks for the client rules, in django-upgrade's style: dedented sources, the
expected output compiled, a second run that changes nothing, and no-op cases."""

from __future__ import annotations

import textwrap

from cog2fal.client.codemod import rewrite_text
from cog2fal.client.references import ModelMap, Target
from cog2fal.client.sites import FileResult

MODELS = ModelMap({"acme/upscaler": Target("team/upscaler"),
                   "meta/llama": Target("team/llama", "/stream"),
                   "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef": Target("team/sdxl")},
                  fal_owner="team")


def rewrite(source: str, models: ModelMap = MODELS, package: bool = False) -> FileResult:
    return rewrite_text(textwrap.dedent(source).lstrip("\n"), "script.py", models, package=package)


def check_transformed(before: str, after: str, models: ModelMap = MODELS, **kwargs: bool) -> FileResult:
    result = rewrite(before, models, **kwargs)
    expected = textwrap.dedent(after).lstrip("\n")
    assert result.text == expected
    compile(expected, "script.py", "exec", dont_inherit=True)
    again = rewrite(expected, models, **kwargs)
    assert again.text is None, "a second run changed the code"
    return result


def check_noop(source: str, models: ModelMap = MODELS) -> FileResult:
    result = rewrite(source, models)
    assert result.text is None
    assert not any(site.status == "rewritten" for site in result.sites)
    return result
