"""example_input: the request body MIGRATION.md's snippets send, built from the inputs."""

from __future__ import annotations

from cog2fal.project import MISSING, Entrypoint, InputField, TypeRef
from cog2fal.reporting.example_input import example_input, placeholder_url


def _entry(*inputs: InputField) -> Entrypoint:
    return Entrypoint("predict", "predict.py", "Predictor", "class", "predict", inputs=list(inputs))


def test_defaults_are_sent_as_they_are() -> None:
    body = example_input(_entry(
        InputField("prompt", TypeRef("str"), default="a cat"),
        InputField("steps", TypeRef("int"), default=30, ge=1, le=50),
        InputField("guidance", TypeRef("float"), default=7.5),
        InputField("safe", TypeRef("bool"), default=True),
        InputField("sizes", TypeRef("list", (TypeRef("int"),)), default=[512, 768]),
    ))
    assert body == {"prompt": "a cat", "steps": 30, "guidance": 7.5, "safe": True, "sizes": [512, 768]}


def test_required_inputs_get_a_value_of_their_type() -> None:
    body = example_input(_entry(
        InputField("scheduler", TypeRef("str"), choices=["DDIM", "K_EULER"]),
        InputField("input_image", TypeRef("path")),
        InputField("masks", TypeRef("list", (TypeRef("path"),))),
        InputField("voice_sample", TypeRef("file")),
        InputField("steps", TypeRef("int"), ge=4, le=8),
        InputField("shift", TypeRef("float"), le=-1.0),
        InputField("seed", TypeRef("int")),
        InputField("flag", TypeRef("bool")),
        InputField("negative_prompt", TypeRef("str")),
        InputField("api_token", TypeRef("secret")),
    ))
    assert body == {
        "scheduler": "DDIM",
        "input_image": "https://example.com/input_image.png",
        "masks": ["https://example.com/masks.png"],
        "voice_sample": "https://example.com/voice_sample.wav",
        "steps": 4,
        "shift": -1.0,
        "seed": 0,
        "flag": False,
        "negative_prompt": "your negative prompt",
        "api_token": "your api token",
    }
    assert isinstance(body["steps"], int) and isinstance(body["shift"], float)


def test_left_out_none_defaults_computed_defaults_and_deprecated_inputs() -> None:
    body = example_input(_entry(
        InputField("seed", TypeRef("int"), default=None),
        InputField("width", TypeRef("int"), default_source="DEFAULT_WIDTH"),
        InputField("mask", TypeRef("path"), default=None, optional_by_none_default=True),
        InputField("old", TypeRef("str"), default="x", deprecated=True),
        InputField("kept", TypeRef("str"), default=""),
    ))
    assert body == {"kept": ""}
    assert MISSING not in body.values()


def test_placeholder_urls_name_the_kind_of_file() -> None:
    assert placeholder_url("video") == "https://example.com/video.mp4"
    assert placeholder_url("lora_weights") == "https://example.com/lora_weights.safetensors"
    assert placeholder_url("lyrics_file") == "https://example.com/lyrics_file.txt"
    assert placeholder_url("blob") == "https://example.com/blob"
