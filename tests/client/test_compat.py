"""The helper module the rewrite adds (`fal_replicate_compat.py`), run for real with fal_client:
responses unwrapped to Replicate's values, files as `FileOutput`, inputs sent as Replicate sent
them, streamed events as Replicate's."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cog2fal.commands.client import helper_source

pytest.importorskip("fal_client")


@pytest.fixture(scope="module")
def compat(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("helper")
    path = folder / "fal_replicate_compat.py"
    path.write_text(helper_source())
    spec = importlib.util.spec_from_file_location("fal_replicate_compat_under_test", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


PNG = b"\x89PNG\r\n\x1a\nfake"
FILE = {"url": "data:image/png;base64," + base64.b64encode(PNG).decode(), "content_type": "image/png",
        "file_name": "out.png", "file_size": len(PNG)}


def test_output_unwraps_and_turns_files_into_file_outputs(compat: ModuleType) -> None:
    image = compat.output({"output": FILE})
    assert isinstance(image, str) and image == FILE["url"] and str(image) == FILE["url"]
    assert image.url == FILE["url"] and image.read() == PNG and b"".join(image) == PNG
    assert asyncio.run(image.aread()) == PNG
    assert image.content_type == "image/png" and image.file_name == "out.png"
    assert compat.output({"output": [FILE, FILE]}, file_output=False) == [FILE["url"], FILE["url"]]
    assert compat.output({"output": ["a", "b"]}) == ["a", "b"]
    fields = compat.output({"caption": "cat", "mask": FILE})  # a BaseModel output: its fields
    assert fields["caption"] == "cat" and fields["mask"].read() == PNG
    assert compat.output({"output": 3}) == 3


def test_arguments_send_files_as_data_uris_and_leave_urls(compat: ModuleType, tmp_path: Path) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(PNG)
    with open(picture, "rb") as handle:
        sent = compat.arguments({"image": handle, "path": picture, "url": "https://x/y.png",
                                 "many": [io.BytesIO(b"ab")], "n": 2})
    assert sent["image"] == sent["path"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert sent["url"] == "https://x/y.png" and sent["n"] == 2
    assert sent["many"] == ["data:application/octet-stream;base64," + base64.b64encode(b"ab").decode()]


def test_stream_events_read_as_replicates(compat: ModuleType) -> None:
    events = list(compat.stream(iter([{"output": "Hel"}, {"output": "lo"}])))
    assert "".join(str(event) for event in events) == "Hello"
    assert [event.data for event in events] == ["Hel", "lo"] and events[0].event == "output"

    async def items():
        for item in ({"output": "a"}, {"output": "b"}):
            yield item

    async def collect() -> list[str]:
        return [str(event) async for event in await compat.async_stream(items())]

    assert asyncio.run(collect()) == ["a", "b"]
