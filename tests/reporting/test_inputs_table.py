"""cog2fal.reporting.inputs_table and endpoints: one set of rows and one endpoint list for
MIGRATION.md, `convert --json` and `inspect`."""

from __future__ import annotations

from cog2fal.conversion import ConvertOptions
from cog2fal.convert import analyse_project
from cog2fal.project import Entrypoint, InputField, TypeRef
from cog2fal.reporting.endpoints import endpoints
from cog2fal.reporting.inputs_table import MARKDOWN, TERMINAL, InputRow, input_rows
from tests.conftest import FIXTURES

ENTRY = Entrypoint("predict", "predict.py", "Predictor", "class", "predict", inputs=[
    InputField("steps", TypeRef("int"), default=30, ge=1, le=50, description="Steps"),
    InputField("size", TypeRef("int"), default=512, choices=[256, 384, 512, 640, 768, 896, 1024]),
    InputField("prompt", TypeRef("str"), min_length=1, regex="^a", deprecated=True),
    InputField("seed", TypeRef("int"), default_source="random_seed()"),
])


def test_markdown_rows() -> None:
    assert input_rows(ENTRY, MARKDOWN) == [
        InputRow("`steps`", "`int`", "no", "`30`", "≥ 1; ≤ 50", "Steps"),
        InputRow("`size`", "`int`", "no", "`512`",
                 "one of `256`, `384`, `512`, `640`, `768`, `896`, `1024`", ""),
        InputRow("`prompt`", "`str`", "yes", "", "min length 1; pattern ^a; deprecated", ""),
        InputRow("`seed`", "`int`", "no", "`random_seed()` (in the model code)", "", ""),
    ]


def test_terminal_rows() -> None:
    rows = input_rows(ENTRY, TERMINAL)
    assert rows[1] == InputRow("size", "int", "no", "512",
                               "choices 256, 384, 512, 640, 768, 896 (+1 more)", "")
    assert rows[2].constraints == "min len 1; pattern ^a; deprecated"
    assert rows[3].default == "random_seed() (runtime)"


def test_endpoints() -> None:
    def listed(name: str) -> list[str]:
        return endpoints(analyse_project(FIXTURES / name, ConvertOptions()).project)

    assert listed("hello_text") == ["/"]
    assert listed("iterator_text") == ["/", "/stream"]
    assert listed("train_class") == ["/", "/train"]
