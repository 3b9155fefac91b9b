"""Replicate's values from fal's responses, for code moved from Replicate's client by `cog2fal client`.

Apps converted by cog2fal answer `{"output": value}`, or the fields of a `BaseModel` output, and
return files as fal File objects (`url`, `content_type`, `file_name`, `file_size`). The code
around each rewritten call was written for what Replicate's client hands back: `output()`
unwraps the response and turns files into `FileOutput` (Replicate 1.x's `.url`, `.read()` and
iteration over bytes, and the URL string older clients returned), `arguments()` sends files the
way Replicate's client did, and `Prediction` keeps Replicate's prediction object working on
fal's queue.
"""

from __future__ import annotations

import base64
import io
import mimetypes
import os
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from pathlib import PurePath
from typing import Any, Union

import fal_client
import httpx

# Files up to this size travel inside the request as data URIs; larger ones go to fal's storage.
INLINE_FILE_LIMIT = 10 * 1024 * 1024
_FILE_FIELDS = {"url", "content_type", "file_name", "file_size", "file_data", "width", "height"}


class FileOutput(str):
    """A fal File as Replicate hands files out: the URL string itself (older clients and
    `use_file_output=False`), with `.url`, `.read()` and iteration over bytes (Replicate 1.x)."""

    content_type: str | None
    file_name: str | None
    file_size: int | None

    def __new__(cls, file: Mapping[str, Any]) -> FileOutput:
        made = super().__new__(cls, file["url"])
        made.content_type = file.get("content_type")
        made.file_name = file.get("file_name")
        made.file_size = file.get("file_size")
        return made

    @property
    def url(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return self.url

    def __repr__(self) -> str:
        return f"FileOutput({self.url!r})"

    def read(self) -> bytes:
        if self.url.startswith("data:"):
            return base64.b64decode(self.url.split(",", 1)[1])
        response = httpx.get(self.url, follow_redirects=True)
        response.raise_for_status()
        return response.content

    def __iter__(self) -> Iterator[bytes]:  # type: ignore[override]
        yield self.read()

    async def aread(self) -> bytes:
        if self.url.startswith("data:"):
            return self.read()
        async with httpx.AsyncClient(follow_redirects=True) as client:
            response = await client.get(self.url)
            response.raise_for_status()
            return response.content

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield await self.aread()


class OutputEvent(str):
    """One streamed output item, as Replicate's `ServerSentEvent`: `str(event)` and `.data`."""

    event = "output"
    id = ""

    @property
    def data(self) -> str:
        return str.__str__(self)

    def __str__(self) -> str:
        return self.data


def _is_file(value: Mapping[str, Any]) -> bool:
    return isinstance(value.get("url"), str) and "content_type" in value and set(value) <= _FILE_FIELDS


def _files(value: Any, file_output: bool) -> Any:
    if isinstance(value, Mapping):
        if _is_file(value):
            return FileOutput(value) if file_output else value["url"]
        return {key: _files(item, file_output) for key, item in value.items()}
    if isinstance(value, list):
        return [_files(item, file_output) for item in value]
    return value


def output(result: Any, *, file_output: bool = True) -> Any:
    """What Replicate returned for this output: `{"output": x}` unwrapped (a `BaseModel`
    output's fields stay a dict), files as `FileOutput`, or URL strings with `file_output=False`."""
    if isinstance(result, Mapping) and set(result) == {"output"}:
        result = result["output"]
    return _files(result, file_output)


async def async_output(pending: Any, *, file_output: bool = True) -> Any:
    return output(await pending, file_output=file_output)


def stream(events: Iterable[dict[str, Any]]) -> Iterator[OutputEvent]:
    """fal's server-sent events (`{"output": item}`) as Replicate's stream hands them out."""
    for event in events:
        yield OutputEvent(output(event, file_output=False))


async def async_stream(events: AsyncIterator[dict[str, Any]]) -> AsyncIterator[OutputEvent]:
    """`stream()` for `async for event in await ...`, as Replicate's `async_stream` is awaited."""

    async def items() -> AsyncIterator[OutputEvent]:
        async for event in events:
            yield OutputEvent(output(event, file_output=False))

    return items()


def _encode(handle: Any) -> str:
    if hasattr(handle, "seek"):
        handle.seek(0)
    data = handle.read()
    data = data.encode("utf-8") if isinstance(data, str) else data
    name = os.path.basename(str(getattr(handle, "name", "") or ""))
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if len(data) > INLINE_FILE_LIMIT:
        return fal_client.upload(data, content_type, name or None)
    return fal_client.encode(data, content_type)


def arguments(value: Any) -> Any:
    """Inputs as Replicate's client sent them: open files and local paths (`pathlib.Path`) become
    data URIs (large ones are uploaded to fal's storage); strings, URLs and data URIs stay as they are."""
    if isinstance(value, Mapping):
        return {key: arguments(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [arguments(item) for item in value]
    if isinstance(value, PurePath):
        with open(value, "rb") as handle:
            return _encode(handle)
    if isinstance(value, io.IOBase):
        return _encode(value)
    return value


_STATUS = {fal_client.Queued: "starting", fal_client.InProgress: "processing"}
# `Union`, not `X | Y`: this alias is evaluated when the module is imported (the `__future__`
# import only defers annotations), and `X | Y` between classes fails before Python 3.10. The module
# is copied into users' projects, which fal_client lets run on Python 3.8 and 3.9.
Handle = Union[fal_client.SyncRequestHandle, str]  # noqa: UP007 (runs at import on Python 3.8+)


class Prediction:
    """Replicate's prediction object over a request in fal's queue: `id`, `status`, `output`,
    `logs`, `error`, `wait()`, `reload()` and `cancel()` behave as Replicate's did."""

    def __init__(self, application: str, handle: Handle, *, client: fal_client.SyncClient | None = None):
        self.application = application
        if isinstance(handle, str):
            handle = (client or fal_client.SyncClient()).get_handle(application, handle)
        self.handle = handle
        self.id = handle.request_id
        self.status = "starting"
        self.output: Any = None
        self.logs = ""
        self.error: str | None = None

    def reload(self) -> None:
        state = self.handle.status(with_logs=True)
        self.logs = "\n".join(str(entry.get("message", "")) for entry in getattr(state, "logs", None) or [])
        if isinstance(state, fal_client.Completed):
            self.error = state.error
            if self.status != "canceled":
                self.status = "failed" if state.error else "succeeded"
            if self.status == "succeeded":
                self.output = output(self.handle.get(), file_output=False)
        else:
            self.status = _STATUS.get(type(state), "processing")

    def wait(self) -> None:
        try:
            self.output = output(self.handle.get(), file_output=False)
        except fal_client.FalClientError as failure:
            self.status, self.error = "failed", str(failure)
            return
        self.status = "succeeded"

    def cancel(self) -> None:
        self.handle.cancel()
        self.status = "canceled"
