"""The pure parts of verify: output comparison, generated cases, case files, the Cog schema shape.

Files are made with the real encoders (Pillow, stdlib `wave`), schemas in the shape
`cog2fal.verify.cog_schema.build_schema` produces from Cog's inspector.
"""

from __future__ import annotations

import io
import json
import struct
import wave
from pathlib import Path

import pytest

from cog2fal.errors import CogProjectError
from cog2fal.verify import cases, media
from cog2fal.verify.cog_schema import build_schema
from cog2fal.verify.compare import compare


def _fal_file(data: bytes, content_type: str) -> dict:
    return {"url": media.data_url(data, content_type), "content_type": content_type,
            "file_name": "x", "file_size": len(data)}


def _png(pixels: bytes | None = None, size: tuple[int, int] = (4, 3), **save) -> bytes:
    from PIL import Image

    image = Image.frombytes("RGB", size, pixels or bytes(range(size[0] * size[1] * 3)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", **save)
    return buffer.getvalue()


def _wav(samples: list[int], rate: int = 8000, extra_chunk: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))
    data = buffer.getvalue()
    if extra_chunk:  # a LIST chunk after the data: another encoder's bytes, same samples
        chunk = b"LIST" + struct.pack("<I", len(extra_chunk)) + extra_chunk
        data = data[:4] + struct.pack("<I", len(data) - 8 + len(chunk)) + data[8:] + chunk
    return data


# ----------------------------------------------------------------------------- compare


def test_scalars_and_containers() -> None:
    assert compare("a", "a") == []
    assert compare(1, 1.0) == []
    assert compare(0.1 + 0.2, 0.3) == []
    assert compare(1.0, 1.0 + 1e-3)[0].what == "number"
    assert compare(True, 1)[0].what == "value"
    assert compare(None, None) == []
    assert compare([1, 2], [1, 2, 3])[0].what == "length"
    [missing, extra] = compare({"a": 1, "b": 2}, {"a": 1, "c": 2})
    assert (missing.where, extra.where) == ("output.b", "output.c")
    [nested] = compare({"a": [1, {"b": "x"}]}, {"a": [1, {"b": "y"}]})
    assert nested.where == "output.a[1].b" and nested.what.startswith("text")
    assert compare("x", 1)[0].what == "type"


def test_files_by_type_and_bytes() -> None:
    cog = media.data_url(b"hello\n", "text/plain")
    assert compare(cog, _fal_file(b"hello\n", "text/plain")) == []
    [difference] = compare(cog, _fal_file(b"hullo\n", "text/plain"))
    assert difference.what == "file text (first difference at character 1)"
    [kind] = compare(cog, _fal_file(b"hello\n", "application/octet-stream"))
    assert kind.where == "output.content_type" and not kind.benign
    [binary] = compare(media.data_url(b"\x00\x01", "application/x-thing"),
                       _fal_file(b"\x00\x02", "application/x-thing"))
    assert binary.what == "file bytes"


def test_images_by_decoded_pixels() -> None:
    fast, small = _png(compress_level=1), _png(compress_level=9)
    assert fast != small
    assert compare(media.data_url(fast, "image/png"), _fal_file(small, "image/png")) == []
    other = _png(bytes(255 - b for b in range(36)))
    [difference] = compare(media.data_url(fast, "image/png"), _fal_file(other, "image/png"))
    assert difference.what.startswith("image pixels (12 of 12 differ")
    [size] = compare(media.data_url(fast, "image/png"), _fal_file(_png(size=(3, 4)), "image/png"))
    assert size.what == "image size"


def test_wav_by_decoded_samples_and_mime_aliases() -> None:
    plain, with_chunk = _wav([0, 1000, -1000]), _wav([0, 1000, -1000], extra_chunk=b"INFOtest")
    assert plain != with_chunk
    [alias] = compare(media.data_url(plain, "audio/wav"), _fal_file(with_chunk, "audio/x-wav"))
    assert alias.benign and alias.where == "output.content_type"
    [samples] = compare(media.data_url(plain, "audio/wav"), _fal_file(_wav([0, 1000, -999]), "audio/wav"))
    assert samples.what == "audio samples"
    [rate] = compare(media.data_url(plain, "audio/wav"), _fal_file(_wav([0], rate=16000), "audio/wav"))
    assert rate.what.startswith("audio format")


# ----------------------------------------------------------------------------- cases


def _input(properties: dict, required: list[str], components: dict | None = None) -> dict:
    for order, prop in enumerate(properties.values()):
        prop["x-order"] = order
    return {"properties": properties, "required": required}, components or {}


def test_generated_cases_follow_the_schema() -> None:
    schema, components = _input({
        "image": {"type": "string", "format": "uri"},
        "voice_sample": {"type": "string", "format": "uri"},
        "notes": {"type": "string", "format": "uri", "description": "A text file"},
        "steps": {"type": "integer", "minimum": 1, "maximum": 50},
        "strength": {"type": "number", "minimum": 0, "maximum": 1},
        "code": {"type": "string", "pattern": r"^\d+$", "maxLength": 3},
        "tags": {"type": "array", "items": {"type": "string"}},
        "style": {"allOf": [{"$ref": "#/components/schemas/style"}], "default": "warm"},
        "size": {"type": "integer", "default": 8, "minimum": 1, "maximum": 8},
        "gain": {"type": "number", "default": -6.0, "minimum": -24, "maximum": 24},
        "loud": {"type": "boolean", "default": False},
        "prompt": {"type": "string", "default": "a cat"},
        "seed": {"type": "integer", "default": None, "nullable": True},
    }, ["image", "voice_sample", "notes", "steps", "strength", "code", "tags"],
        {"style": {"enum": ["warm", "cold", "neutral"], "type": "string"}})
    defaults, alternatives = cases.generate_cases(schema, components)
    assert list(defaults.inputs) == ["image", "voice_sample", "notes", "steps", "strength", "code", "tags"]
    assert media.decode_data_url(defaults.inputs["image"])[1] == "image/png"
    assert media.decode_data_url(defaults.inputs["voice_sample"])[1] == "audio/wav"
    assert media.decode_data_url(defaults.inputs["notes"])[1] == "text/plain"
    assert defaults.inputs["steps"] == 1 and defaults.inputs["strength"] == 0.5
    assert defaults.inputs["code"] == "1" and defaults.inputs["tags"] == [cases.TEXT_SAMPLE]
    changed = {k: v for k, v in alternatives.inputs.items() if k not in defaults.inputs}
    assert changed == {"style": "cold", "size": 7, "gain": pytest.approx(-3.0), "loud": True}


def test_generated_png_and_wav_decode() -> None:
    from PIL import Image

    image = Image.open(io.BytesIO(media.tiny_png()))
    assert image.size == (16, 12) and image.mode == "RGB"
    params, frames = media.read_wav(media.tiny_wav())
    assert params == (1, 2, 8000) and len(frames) == 2 * 2000


def test_no_value_for_a_pattern_says_so() -> None:
    schema, components = _input({"key": {"type": "string", "pattern": "^sk-[a-f0-9]{32}$"}}, ["key"])
    with pytest.raises(cases.CaseError, match="`key`"):
        cases.generate_cases(schema, components)


def test_case_files(tmp_path: Path) -> None:
    schema = {"properties": {"image": {"type": "string", "format": "uri"}, "n": {"type": "integer"}}}
    (tmp_path / "cat.png").write_bytes(media.tiny_png())
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"input": {"image": "cat.png", "n": 2}}))
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"image": "https://example.com/x.png"}))
    first, second = cases.load_case_files([body, plain], schema)
    assert first.name == "body" and first.inputs["n"] == 2
    assert media.decode_data_url(first.inputs["image"]) == (media.tiny_png(), "image/png")
    assert second.inputs == {"image": "https://example.com/x.png"}
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    with pytest.raises(CogProjectError, match="JSON object"):
        cases.load_case_files([bad], schema)
    broken = tmp_path / "broken.json"
    broken.write_text('{"a": ')
    with pytest.raises(CogProjectError) as error:
        cases.load_case_files([broken], schema)
    assert str(error.value).startswith(f"{broken}:1: not valid JSON")


# ----------------------------------------------------------------------------- Cog schema


def test_cog_schema_shape() -> None:
    facts = {"inputs": [
        {"name": "style", "order": 0, "schema": {"type": "string"}, "optional": False, "secret": False,
         "enum_type": "string", "default": "warm", "description": None, "ge": None, "le": None,
         "min_length": None, "max_length": None, "regex": None, "choices": ["warm", "cold"],
         "deprecated": None},
        {"name": "note", "order": 1, "schema": {"type": "string"}, "optional": True, "secret": False,
         "enum_type": "string", "default": None, "description": "N", "ge": None, "le": None,
         "min_length": None, "max_length": 9, "regex": None, "choices": None, "deprecated": True},
        {"name": "api_token", "order": 2, "schema": {"type": "string", "format": "password",
                                                     "writeOnly": True, "x-cog-secret": True},
         "optional": False, "secret": True, "enum_type": "string", "default": None,
         "description": None, "ge": None, "le": None, "min_length": None, "max_length": None,
         "regex": None, "choices": None, "deprecated": None},
        {"name": "seed", "order": 3, "schema": {"type": "integer"}, "optional": False, "secret": False,
         "enum_type": "integer", "default": None, "description": None, "ge": 0.0, "le": None,
         "min_length": None, "max_length": None, "regex": None, "choices": None, "deprecated": None},
    ], "output": {"title": "Output", "type": "string"}}
    schema = build_schema(facts)
    properties = schema.input["properties"]
    assert properties["style"] == {"x-order": 0, "allOf": [{"$ref": "#/components/schemas/style"}],
                                   "default": "warm"}
    assert schema.document["components"]["schemas"]["style"]["enum"] == ["warm", "cold"]
    assert properties["note"] == {"x-order": 1, "title": "Note", "type": "string", "default": None,
                                  "nullable": True, "description": "N", "maxLength": 9,
                                  "deprecated": True}
    assert properties["api_token"]["title"] == "Api Token" and properties["api_token"]["nullable"]
    assert properties["seed"]["minimum"] == 0.0
    assert schema.input["required"] == ["seed"]  # Cog 0.20+: Input() / Input(default=None) → required
    assert not schema.output_is_object and not schema.output_is_iterator


def test_missing_module_is_found_through_wrapping_exceptions() -> None:
    from cog2fal.verify.import_errors import missing_module

    def load() -> None:
        try:
            import cog2fal_no_such_module  # type: ignore[import-not-found]  # noqa: F401
        except ImportError as exc:
            raise RuntimeError("could not load the weights") from exc

    with pytest.raises(RuntimeError) as wrapped:
        load()
    assert missing_module(wrapped.value) == "cog2fal_no_such_module"
    assert missing_module(ValueError("no import involved")) is None
    assert missing_module(None) is None
    looping = ValueError("a")
    looping.__context__ = KeyError("b")
    looping.__context__.__context__ = looping
    assert missing_module(looping) is None
