"""Schema normalisation and comparison, on schemas produced by the real tools.

The Cog side comes from Cog 0.16.12's own schema command (tests.support.cog_schema) run on
fixture projects; the fal side from `App(_allow_init=True).openapi()` of small hand-written
fal apps that publish the same inputs, loaded the way fal's CLI loads an app file.
"""

from __future__ import annotations

import copy
import os
import runpy
import textwrap
from pathlib import Path
from typing import Any

import pytest

from cog2fal.verify.schemas import (
    NO_DEFAULT,
    Difference,
    FieldSchema,
    compare_fields,
    input_fields,
)
from tests.support.cog_schema import CogSchemaError, cog016_python, cog_openapi_schema

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "projects"

needs_cog016 = pytest.mark.skipif(
    not os.path.exists(cog016_python()), reason=f"no Cog 0.16 interpreter at {cog016_python()}"
)

CONSTRAINTS_APP = '''
from typing import Literal

import fal
from pydantic import BaseModel, Field


class Input(BaseModel):
    prompt: str = Field(description="Text to sample from", min_length=1, max_length=200)
    temperature: float = Field(0.7, description="Sampling temperature", ge=0.0, le=2.0)
    max_words: int = Field(8, description="Maximum number of words", ge=1, le=64)
    mode: Literal["shuffle", "reverse", "identity"] = Field(
        "shuffle", description="How words are picked"
    )
    repeat: Literal[1, 2, 3] = Field(1, description="Repetitions")
    tag: str = Field(
        "demo", description="Lower-case tag added to the result", pattern=r"^[a-z][a-z0-9_-]*$"
    )
    legacy_top_k: int = Field(50, description="Ignored; kept for old clients", deprecated=True)
    seed: int = Field(1234, description="Random seed")
    lowercase: bool = Field(False, description="Lower-case the output")


class Output(BaseModel):
    output: dict


class Sampler(fal.App):
    machine_type = "S"

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        return Output(output={})
'''

FILES_APP = '''
from typing import List, Optional

import fal
from fal.toolkit import File
from pydantic import BaseModel, Field


class FilesInput(BaseModel):
    image: File = Field(description="Main input file")
    config: Optional[File] = Field(None, description="A small config file")
    mask: Optional[str] = Field(
        None, description="Optional mask", json_schema_extra={"format": "uri"}
    )
    reference: Optional[File] = Field(None, description="Optional reference")
    extra_images: Optional[List[File]] = Field(None, description="More files")


class Output(BaseModel):
    output: List[File]


class FileReport(fal.App):
    machine_type = "S"

    @fal.endpoint("/")
    def predict(self, input: FilesInput) -> Output:
        return Output(output=[])
'''

SECRETS_APP = '''
from typing import Optional

import fal
from pydantic import BaseModel, Field, SecretStr


class Input(BaseModel):
    query: str = Field(description="Query sent to the upstream API")
    api_key: SecretStr = Field(description="API key for the upstream service")
    fallback_key: Optional[SecretStr] = Field(
        None, description="Used when the first key fails"
    )


class Output(BaseModel):
    output: str


class Proxy(fal.App):
    machine_type = "S"

    @fal.endpoint("/")
    def predict(self, input: Input) -> Output:
        return Output(output="")
'''


def fal_openapi(tmp_path: Path, source: str) -> dict[str, Any]:
    """Load an app file as `fal run` does (runpy) and return the OpenAPI it would deploy."""
    import fal

    app_file = tmp_path / "fal_app.py"
    app_file.write_text(textwrap.dedent(source), encoding="utf-8")
    namespace = runpy.run_path(str(app_file))
    apps = [
        value
        for value in namespace.values()
        if isinstance(value, type) and issubclass(value, fal.App) and value is not fal.App
    ]
    assert len(apps) == 1, apps
    return apps[0](_allow_init=True).openapi()


def cog_fields(fixture: str) -> dict[str, FieldSchema]:
    try:
        doc = cog_openapi_schema(FIXTURES / fixture)
    except CogSchemaError as exc:  # pragma: no cover - shows Cog's traceback on failure
        pytest.fail(str(exc))
    return input_fields(doc)


# --------------------------------------------------------------------------- equal cases


@needs_cog016
def test_constraints_fixture_matches_hand_written_app(tmp_path: Path) -> None:
    expected = cog_fields("input_constraints")
    actual = input_fields(fal_openapi(tmp_path, CONSTRAINTS_APP))

    assert compare_fields(expected, actual) == []
    assert list(expected) == [
        "prompt", "temperature", "max_words", "mode", "repeat", "tag", "legacy_top_k",
        "seed", "lowercase",
    ]
    # What the normalisation had to bridge: Cog's allOf/$ref enum with "An enumeration.",
    # float-typed bounds on an int field, no title on choice fields.
    assert expected["mode"] == FieldSchema(
        type="string", default="shuffle", enum=("shuffle", "reverse", "identity"),
        description="How words are picked",
    )
    assert expected["repeat"].enum == (1, 2, 3) and expected["repeat"].type == "integer"
    assert expected["max_words"].minimum == 1 and expected["max_words"].maximum == 64
    assert expected["legacy_top_k"].deprecated is True
    assert expected["prompt"].required and not expected["seed"].required


@needs_cog016
def test_file_inputs_fixture_matches_fal_files_and_uri_strings(tmp_path: Path) -> None:
    expected = cog_fields("file_inputs")
    doc = fal_openapi(tmp_path, FILES_APP)
    # The input model is not called Input: found through the `/` route's request body.
    actual = input_fields(doc)

    assert compare_fields(expected, actual) == []
    assert expected["image"] == FieldSchema(
        type="string", format="uri", required=True, description="Main input file"
    )
    # Cog: `File = Input(default=None)` -> optional without default; fal: Optional[...] = None.
    assert expected["config"].required is False and expected["config"].default is NO_DEFAULT
    assert expected["extra_images"].items == FieldSchema(type="string", format="uri")
    assert actual["extra_images"].type == "array"


@needs_cog016
def test_secret_fixture_matches_secretstr_fields(tmp_path: Path) -> None:
    expected = cog_fields("secrets")
    actual = input_fields(fal_openapi(tmp_path, SECRETS_APP))

    assert compare_fields(expected, actual) == []
    assert expected["api_key"].format == "password" and expected["api_key"].required
    assert actual["fallback_key"] == FieldSchema(
        type="string", format="password", description="Used when the first key fails"
    )


@needs_cog016
def test_training_input_component() -> None:
    doc = cog_openapi_schema(FIXTURES / "train_function")
    fields = input_fields(doc, "TrainingInput")

    assert list(fields) == ["train_data", "learning_rate", "steps", "hf_token"]
    assert fields["train_data"].format == "uri" and fields["train_data"].required
    assert fields["hf_token"] == FieldSchema(
        type="string", format="password",
        description="Hugging Face token used to push the adapter",
    )
    assert fields["learning_rate"].minimum == 1e-6


def test_route_lookup_and_missing_component(tmp_path: Path) -> None:
    doc = fal_openapi(tmp_path, SECRETS_APP)

    assert list(input_fields(doc, route="/")) == ["query", "api_key", "fallback_key"]
    with pytest.raises(KeyError, match="POST /train"):
        input_fields(doc, route="/train")
    with pytest.raises(KeyError, match="TrainingInput"):
        input_fields({"components": {"schemas": {}}, "paths": {}}, "TrainingInput")


def test_cog_020_nullable_shape_equals_fal_optional(tmp_path: Path) -> None:
    """0.20+ writes `default: null, nullable: true` (Cog's Go schema generator); fal omits both."""
    cog_doc = {
        "components": {
            "schemas": {
                "Input": {
                    "title": "Input",
                    "type": "object",
                    "properties": {
                        "query": {"x-order": 0, "title": "Query", "type": "string",
                                  "description": "Query sent to the upstream API"},
                        "api_key": {"x-order": 1, "title": "Api Key", "type": "string",
                                    "format": "password", "writeOnly": True,
                                    "x-cog-secret": True,
                                    "description": "API key for the upstream service"},
                        "fallback_key": {"x-order": 2, "title": "Fallback Key",
                                         "type": "string", "format": "password",
                                         "writeOnly": True, "x-cog-secret": True,
                                         "description": "Used when the first key fails",
                                         "default": None, "nullable": True},
                    },
                    "required": ["query", "api_key"],
                }
            }
        }
    }
    fal_fields = input_fields(fal_openapi(tmp_path, SECRETS_APP))

    assert compare_fields(input_fields(cog_doc), fal_fields) == []


# --------------------------------------------------------------------------- differences


def _property(doc: dict[str, Any], model: str, name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][model]["properties"][name]


@needs_cog016
def test_detects_changed_default(tmp_path: Path) -> None:
    expected = cog_fields("input_constraints")
    doc = fal_openapi(tmp_path, CONSTRAINTS_APP.replace("Field(0.7,", "Field(0.75,"))

    assert compare_fields(expected, input_fields(doc)) == [
        Difference("temperature", "default", 0.7, 0.75)
    ]


@needs_cog016
def test_detects_missing_enum_value(tmp_path: Path) -> None:
    expected = cog_fields("input_constraints")
    app = CONSTRAINTS_APP.replace('Literal["shuffle", "reverse", "identity"]',
                                  'Literal["shuffle", "reverse"]')

    differences = compare_fields(expected, input_fields(fal_openapi(tmp_path, app)))

    assert differences == [
        Difference("mode", "enum", ("shuffle", "reverse", "identity"), ("shuffle", "reverse"))
    ]
    assert str(differences[0]).startswith("mode.enum: expected ('shuffle', 'reverse', 'identity')")


@needs_cog016
def test_detects_reordered_field(tmp_path: Path) -> None:
    expected = cog_fields("input_constraints")
    seed_line = '    seed: int = Field(1234, description="Random seed")\n'
    app = CONSTRAINTS_APP.replace(seed_line, "").replace(
        "class Input(BaseModel):\n", "class Input(BaseModel):\n" + seed_line
    )

    differences = compare_fields(expected, input_fields(fal_openapi(tmp_path, app)))

    assert differences == [Difference("seed", "order", 7, 0)]


@needs_cog016
def test_detects_reorder_in_cog_x_order(tmp_path: Path) -> None:
    """Cog's order is `x-order`, not key order: swapping the numbers is a reorder."""
    doc = copy.deepcopy(cog_openapi_schema(FIXTURES / "input_constraints"))
    _property(doc, "Input", "prompt")["x-order"] = 1
    _property(doc, "Input", "temperature")["x-order"] = 0
    actual = input_fields(fal_openapi(tmp_path, CONSTRAINTS_APP))

    assert [d.attribute for d in compare_fields(input_fields(doc), actual)] == ["order"]


@needs_cog016
def test_detects_missing_extra_required_and_file_format(tmp_path: Path) -> None:
    expected = cog_fields("file_inputs")
    app = (
        FILES_APP.replace(
            '    reference: Optional[File] = Field(None, description="Optional reference")\n',
            "",
        )
        .replace("config: Optional[File] = Field(None,", "config: File = Field(")
        .replace('json_schema_extra={"format": "uri"}', "")
        .replace("class FilesInput(BaseModel):\n",
                 "class FilesInput(BaseModel):\n    note: str = 'x'\n")
    )

    found = {(d.field, d.attribute): d for d in compare_fields(expected, input_fields(
        fal_openapi(tmp_path, app)))}

    assert found[("reference", "present")] == Difference("reference", "present", True, False)
    assert found[("note", "present")] == Difference("note", "present", False, True)
    assert found[("config", "required")] == Difference("config", "required", False, True)
    assert found[("mask", "format")] == Difference("mask", "format", "uri", None)
    assert str(found[("reference", "present")]) == "reference: missing field"


def test_numbers_compare_as_numbers_but_booleans_do_not() -> None:
    def doc(minimum: Any, default: Any) -> dict[str, Any]:
        return {"components": {"schemas": {"Input": {"type": "object", "properties": {
            "n": {"type": "integer", "minimum": minimum, "default": default}}}}}}

    assert compare_fields(input_fields(doc(1.0, 2)), input_fields(doc(1, 2.0))) == []
    assert compare_fields(input_fields(doc(1, True)), input_fields(doc(1, 1))) == [
        Difference("n", "default", True, 1)
    ]


# --------------------------------------------------------------------------- the Cog harness

STUBBED_PREDICTOR = '''
import os
os.environ["HF_HOME"] = "/src/hf"
import torch
from torch import nn
from diffusers import DDIMScheduler, StableDiffusionPipeline
from cog import BasePredictor, Input, Path

SCHEDULERS = {"ddim": DDIMScheduler, "euler": None}


class Net(nn.Module):
    pass


class Predictor(BasePredictor):
    def setup(self):
        self.pipe = StableDiffusionPipeline.from_pretrained("x", torch_dtype=torch.float16)

    @torch.inference_mode()
    def predict(
        self,
        prompt: str = Input(description="Prompt"),
        scheduler: str = Input(default="ddim", choices=list(SCHEDULERS.keys())),
    ) -> Path:
        return Path("out.png")
'''


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("COG2FAL_TEST_CACHE", str(cache))
    return cache


@needs_cog016
def test_stub_mode_covers_missing_heavy_dependencies(tmp_path: Path, private_cache: Path) -> None:
    project = tmp_path / "heavy"
    project.mkdir()
    (project / "cog.yaml").write_text('build:\n  gpu: true\npredict: "predict.py:Predictor"\n')
    (project / "predict.py").write_text(STUBBED_PREDICTOR)

    with pytest.raises(CogSchemaError, match="No module named 'torch'"):
        cog_openapi_schema(project)
    doc = cog_openapi_schema(project, stub_missing_modules=True)

    fields = input_fields(doc)
    assert list(fields) == ["prompt", "scheduler"]
    assert fields["scheduler"].enum == ("ddim", "euler")


@needs_cog016
def test_cache_and_scratch_copy(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.support.cog_schema as harness

    project = FIXTURES / "side_effect_marker"
    first = cog_openapi_schema(project, full_import=True)  # imports the module for real
    assert not (project / "SIDE_EFFECT_MARKER").exists()

    def no_subprocess(*args: Any, **kwargs: Any) -> dict[str, Any]:
        raise AssertionError("expected a cache hit")

    monkeypatch.setattr(harness, "_run_schema_command", no_subprocess)
    assert cog_openapi_schema(project, full_import=True) == first
    assert list(private_cache.rglob("*.json"))


@needs_cog016
def test_run_key_and_failures_are_reported(private_cache: Path) -> None:
    # `run:` (0.20+) is passed to 0.16 as COG_PREDICT_TYPE_STUB; BaseRunner does not exist there.
    with pytest.raises(CogSchemaError, match="BaseRunner"):
        cog_openapi_schema(FIXTURES / "runner_v020")
    with pytest.raises(CogSchemaError, match="You must set an output type"):
        cog_openapi_schema(FIXTURES / "untyped_output")
