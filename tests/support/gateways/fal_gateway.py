"""fal's run and queue API on 127.0.0.1, in front of fal's own app server: a stand-in for
fal.run and queue.fal.run that the real `fal_client` reaches through its own settings,
`FAL_RUN_HOST` and `FAL_QUEUE_RUN_HOST` (read when fal_client is imported; it builds
`https://{host}/...`), over TLS from a local CA given through `SSL_CERT_FILE`.

The client and the app server are the real ones (`fal_client` from PyPI; the converted app run
by fal 1.83.0's own ASGI app under uvicorn, started with cog2fal verify's own code). Only the
hosted service between them is stood in for, following fal's documented HTTP API:

- run host: `POST /{owner}/{app}[/{path}]` answers with the app's response (`fal_client.run`),
  server-sent events passed through as the app sends them (`fal_client.stream`, `/stream`);
- queue host: `POST /{owner}/{app}[/{path}]` (`?fal_webhook=URL`) enqueues and answers with
  `request_id`, `status_url`, `response_url`, `cancel_url`; `GET .../requests/{id}/status`
  (`IN_QUEUE` with `queue_position`, `IN_PROGRESS`, `COMPLETED` with `metrics`, `?logs=1`),
  `GET .../requests/{id}` (the app's response), `PUT .../requests/{id}/cancel`; a webhook gets
  `{"request_id", "gateway_request_id", "status": "OK"|"ERROR", "payload"}` when one finishes.

The app server keeps uploads in memory, so its files come back as `data:` URLs; on fal they would
be CDN URLs. The gateway stands in for the CDN too: it keeps each such file and answers with an
https URL it serves. Requests need an `Authorization: Key ...` header, as fal's API does; the key's
value is not checked.

    python -m tests.support.gateways.fal_gateway APP_DIR --app-id OWNER/APP \
        --cert CHAIN.pem --key KEY.pem --ready-file READY.json --scratch DIR
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.gateways import lifecycle
from tests.support.gateways.serving import (
    FileStore,
    Listener,
    Reply,
    Request,
    error_reply,
    json_reply,
)


@dataclass
class QueuedRequest:
    id: str
    path: str
    body: bytes
    webhook: str | None
    status: str = "IN_QUEUE"
    answer_status: int = 0
    answer: Any = None
    cancelled: bool = False
    started: float = 0.0
    inference_time: float | None = None


@dataclass
class FalGateway:
    app_server: str  # http://127.0.0.1:PORT of fal's app server
    app_id: str
    files: FileStore
    run_url: str = ""
    queue_url: str = ""
    _requests: dict[str, QueuedRequest] = field(default_factory=dict)
    _pending: list[QueuedRequest] = field(default_factory=list)
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def start_worker(self) -> None:
        threading.Thread(target=self._work, daemon=True).start()

    def _route(self, request: Request) -> tuple[str, list[str]] | Reply:
        """(path inside the app, the rest) or the error reply for a foreign app or bad key."""
        if not request.headers.get("Authorization", "").startswith(("Key ", "Bearer ")):
            return error_reply(401, "No user found for Key ID and Secret")
        parts = [p for p in request.path.split("/") if p]
        if "/".join(parts[:2]) != self.app_id:
            return error_reply(404, f"Application {'/'.join(parts[:2])!r} not found")
        return "/" + "/".join(parts[2:]), parts[2:]

    # ------------------------------------------------------------------ fal.run

    def handle_run(self, request: Request) -> Reply:
        served = self.files.serve(request)
        if served is not None:
            return served
        routed = self._route(request)
        if isinstance(routed, Reply):
            return routed
        path, _ = routed
        if request.method != "POST":
            return error_reply(405, "Method Not Allowed")
        response = _send(f"{self.app_server}{path}", request.body, request.headers.get("Accept"))
        if isinstance(response, Reply):
            return response
        content_type = response.headers.get("Content-Type", "application/json")
        if content_type.startswith("text/event-stream"):
            return Reply(response.status, content_type=content_type, stream=self._relay_events(response))
        with response:
            status, raw = response.status, response.read()
        return self._json_answer(status, raw)

    def _relay_events(self, response: Any) -> Iterator[bytes]:
        """The app's event stream as it comes, each `data:` payload's files moved to https URLs."""
        with response:
            for line in response:
                if line.startswith(b"data:"):
                    try:
                        payload = json.loads(line[5:])
                    except ValueError:
                        yield line
                        continue
                    line = b"data: " + json.dumps(self._host_files(payload)).encode() + b"\n"
                yield line

    def _json_answer(self, status: int, raw: bytes) -> Reply:
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            return Reply(status, raw, "text/plain")
        return json_reply(self._host_files(body), status)

    def _host_files(self, value: Any) -> Any:
        if isinstance(value, dict):
            url = value.get("url")
            if isinstance(url, str) and url.startswith("data:"):
                value = dict(value, url=self.files.add_data_uri(url, str(value.get("file_name") or "file")))
            return {key: self._host_files(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self._host_files(item) for item in value]
        return value

    # ------------------------------------------------------------------ queue.fal.run

    def handle_queue(self, request: Request) -> Reply:
        routed = self._route(request)
        if isinstance(routed, Reply):
            return routed
        path, rest = routed
        match (request.method, *rest):
            case ("GET", "requests", request_id, "status"):
                return self._status(request_id, request.param("logs") in ("1", "true", "True"))
            case ("GET", "requests", request_id):
                return self._result(request_id)
            case ("PUT", "requests", request_id, "cancel"):
                return self._cancel(request_id)
            case ("POST", *_):
                return self._submit(path, request)
        return error_reply(405, "Method Not Allowed")

    def _urls(self, request_id: str) -> dict[str, str]:
        base = f"{self.queue_url}/{self.app_id}/requests/{request_id}"
        return {"response_url": base, "status_url": base + "/status", "cancel_url": base + "/cancel"}

    def _submit(self, path: str, request: Request) -> Reply:
        queued = QueuedRequest(str(uuid.uuid4()), path, request.body, request.param("fal_webhook"))
        with self._changed:
            self._requests[queued.id] = queued
            self._pending.append(queued)
            position = len(self._pending) - 1
            self._changed.notify_all()
        return json_reply({"status": "IN_QUEUE", "request_id": queued.id, **self._urls(queued.id),
                           "queue_position": position})

    def _status(self, request_id: str, with_logs: bool) -> Reply:
        queued = self._requests.get(request_id)
        if queued is None:
            return error_reply(404, "Request not found")
        logs: list[Any] | None = [] if with_logs else None
        answer: dict[str, Any] = {"status": queued.status, "request_id": request_id, **self._urls(request_id)}
        with self._changed:
            if queued.status == "IN_QUEUE":
                answer["queue_position"] = self._pending.index(queued) if queued in self._pending else 0
            elif queued.status == "IN_PROGRESS":
                answer["logs"] = logs
            else:
                answer["logs"] = logs
                answer["metrics"] = {} if queued.inference_time is None else \
                    {"inference_time": queued.inference_time}
                if queued.answer_status >= 400:
                    answer["error"] = _detail(queued.answer)
        return json_reply(answer, 202 if queued.status != "COMPLETED" else 200)

    def _result(self, request_id: str) -> Reply:
        queued = self._requests.get(request_id)
        if queued is None:
            return error_reply(404, "Request not found")
        if queued.status != "COMPLETED":
            return error_reply(400, "Request is still in progress")
        return json_reply(queued.answer, queued.answer_status)

    def _cancel(self, request_id: str) -> Reply:
        queued = self._requests.get(request_id)
        if queued is None:
            return error_reply(404, "Request not found")
        with self._changed:
            if queued.status == "COMPLETED":
                return json_reply({"status": "ALREADY_COMPLETED"}, 400)
            queued.cancelled = True
            if queued.status == "IN_QUEUE":
                self._pending.remove(queued)
                self._complete(queued, 400, {"detail": "Request was cancelled"})
        return json_reply({"status": "CANCELLATION_REQUESTED"}, 202)

    def _work(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._pending))
                queued = self._pending.pop(0)
                queued.status, queued.started = "IN_PROGRESS", time.monotonic()
            response = _send(f"{self.app_server}{queued.path}", queued.body, "application/json")
            if isinstance(response, Reply):
                status, raw = response.status, response.body
            else:
                with response:
                    status, raw = response.status, response.read()
            try:
                body = self._host_files(json.loads(raw or b"null"))
            except ValueError:  # a plain-text 500 from the server: fal answers with a detail
                body = {"detail": raw.decode("utf-8", "replace")}
            with self._changed:
                queued.inference_time = round(time.monotonic() - queued.started, 3)
                self._complete(queued, status, body)

    def _complete(self, queued: QueuedRequest, status: int, body: Any) -> None:
        """Marks the request done (call with the lock held) and sends its webhook, if any."""
        queued.status, queued.answer_status, queued.answer = "COMPLETED", status, body
        self._changed.notify_all()
        if queued.webhook:
            payload = {"request_id": queued.id, "gateway_request_id": queued.id,
                       "status": "OK" if status < 400 else "ERROR", "payload": body}
            if status >= 400:
                payload["error"] = f"Invalid status code: {status}"
            threading.Thread(target=_post_json, args=(queued.webhook, payload), daemon=True).start()


def _detail(body: Any) -> str:
    detail = body.get("detail") if isinstance(body, dict) else body
    return detail if isinstance(detail, str) else json.dumps(detail)


def _send(url: str, body: bytes, accept: str | None) -> Any:
    """POSTs to the app server; the open response (read it, or stream it), or a 502 reply."""
    request = urllib.request.Request(url, data=body or b"{}", method="POST")
    request.add_header("Content-Type", "application/json")
    if accept:
        request.add_header("Accept", accept)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        return opener.open(request, timeout=600)
    except urllib.error.HTTPError as error:
        return error
    except OSError as error:
        return error_reply(502, f"the app did not answer: {error}")


def _post_json(url: str, payload: Any) -> None:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST")
    request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        opener.open(request, timeout=30).close()
    except OSError:
        pass  # fal retries webhooks; a test that wants one keeps its receiver up


# ---------------------------------------------------------------------- process entry


def _app_server(app_dir: Path, scratch: Path) -> Any:
    """fal's app server on a copy of the converted app, started as `cog2fal verify` starts it."""
    from cog2fal.verify import workspace
    from cog2fal.verify.fal_server import FalServer

    app_file = "cog2fal_app.py" if (app_dir / "cog2fal_app.py").is_file() else "fal_app.py"
    copy = workspace.copy_tree(app_dir, scratch / "fal")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COG_")}
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1", NO_PROXY="127.0.0.1,localhost")
    return FalServer(copy, app_file, env, scratch / "fal.log", scratch / "fal-status.jsonl")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fal_gateway")
    parser.add_argument("app_dir", type=Path)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--ready-file", type=Path, required=True)
    parser.add_argument("--scratch", type=Path, required=True)
    args = parser.parse_args(argv)

    server = _app_server(args.app_dir, args.scratch)
    files = FileStore()
    gateway = FalGateway("", args.app_id, files)
    tls = (args.cert, args.key)
    run = Listener(gateway.handle_run, tls=tls)
    queue = Listener(gateway.handle_queue, tls=tls)
    gateway.run_url = files.base_url = run.base_url
    gateway.queue_url = queue.base_url

    def serve() -> dict[str, Any]:
        server.start()
        server.wait_loaded(300)
        server.wait_ready(300)
        gateway.app_server = server.base_url
        gateway.start_worker()
        run.start()
        queue.start()
        return {"run_host": run.host, "queue_host": queue.host, "app_id": args.app_id}

    return lifecycle.serve_until_stopped(serve, args.ready_file,
                                         stop=lambda: (run.stop(), queue.stop(), server.stop()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
