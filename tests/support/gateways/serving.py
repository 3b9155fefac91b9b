"""What both gateways share: a threaded HTTP(S) listener on 127.0.0.1, requests and replies as
small values, server-sent events, and a file store that serves bytes at https URLs.

Standard library only, so a gateway runs in any interpreter (they run in the Cog runtime's venv,
next to the model servers they front).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import mimetypes
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

LOOPBACK = "127.0.0.1"


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterable[bytes] | None = None  # sent as produced, the connection closed after it


def json_reply(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, json.dumps(value).encode("utf-8"), headers=dict(headers or {}))


def error_reply(status: int, detail: str) -> Reply:
    return json_reply({"detail": detail}, status)


def sse_event(data: str, event: str | None = None, event_id: str | None = None) -> bytes:
    """One server-sent event; multi-line data becomes several `data:` lines, as the format says."""
    lines = [f"event: {event}"] if event else []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    lines += [f"data: {line}" for line in data.split("\n")]
    return ("\n".join(lines) + "\n\n").encode("utf-8")


Handler = Callable[[Request], Reply]


class Listener:
    """One HTTP server on 127.0.0.1 (HTTPS when given a certificate), answering with `handle`."""

    def __init__(self, handle: Handler, tls: tuple[Path, Path] | None = None):
        self._server = ThreadingHTTPServer((LOOPBACK, 0), _handler_class(handle))
        self._server.daemon_threads = True
        self.scheme = "http"
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def host(self) -> str:
        return f"{LOOPBACK}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}"

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


def _handler_class(handle: Handler) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = Request(self.command, unquote(parts.path), parse_qs(parts.query), self.headers, body)
            try:
                reply = handle(request)
            except Exception as exc:  # a gateway bug must show in the client as a 500, not a hang
                reply = error_reply(500, f"gateway error: {type(exc).__name__}: {exc}")
            self._send(reply)

        def _send(self, reply: Reply) -> None:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if reply.stream is None:
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
                return
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for chunk in reply.stream:
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass  # the client stopped reading

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
            pass

    return _Handler


class FileStore:
    """Bytes kept in memory and served at `{base_url}/files/<digest>/<name>`: the stand-in for
    Replicate's file delivery and fal's CDN, whose URLs the clients fetch files from."""

    PREFIX = "/files/"

    def __init__(self) -> None:
        self.base_url = ""
        self._files: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def add(self, data: bytes, name: str, content_type: str | None = None) -> str:
        digest = hashlib.sha256(data).hexdigest()[:24]
        key = f"{digest}/{name or 'file'}"
        kind = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
        with self._lock:
            self._files[key] = (data, kind)
        return f"{self.base_url}{self.PREFIX}{quote(key)}"

    def add_data_uri(self, uri: str, name: str) -> str:
        data, kind = decode_data_uri(uri)
        if "." not in name:
            name += mimetypes.guess_extension(kind) or ""
        return self.add(data, name, kind)

    def serve_or_404(self, request: Request) -> Reply:
        return self.serve(request) or error_reply(404, "Not found.")

    def lookup(self, url: str) -> tuple[bytes, str] | None:
        """The bytes and type behind one of this store's URLs; None for any other URL."""
        prefix = self.base_url + self.PREFIX
        if not url.startswith(prefix):
            return None
        with self._lock:
            return self._files.get(unquote(url[len(prefix):]))

    def serve(self, request: Request) -> Reply | None:
        if request.method != "GET" or not request.path.startswith(self.PREFIX):
            return None
        with self._lock:
            found = self._files.get(request.path[len(self.PREFIX):])
        if found is None:
            return error_reply(404, "no such file")
        return Reply(200, found[0], found[1])

    def as_data_uri(self, url: str) -> str | None:
        found = self.lookup(url)
        if found is None:
            return None
        return f"data:{found[1]};base64,{base64.b64encode(found[0]).decode('ascii')}"


def decode_data_uri(uri: str) -> tuple[bytes, str]:
    header, _, payload = uri.partition(",")
    kind = header[len("data:"):].split(";")[0] or "text/plain"
    if header.endswith(";base64"):
        try:
            return base64.b64decode(payload), kind
        except binascii.Error:
            return b"", kind
    return unquote(payload).encode("utf-8"), kind


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with `change` applied to every string inside dicts and lists."""
    if isinstance(value, dict):
        return {key: map_strings(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, change) for item in value]
    if isinstance(value, str):
        return change(value)
    return value
