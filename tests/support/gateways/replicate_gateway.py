"""Replicate's predictions API on 127.0.0.1, in front of Cog's own runtime: a stand-in for
api.replicate.com that the real `replicate` client reaches through its own setting,
`REPLICATE_BASE_URL` (or `replicate.Client(base_url=...)`), over TLS from a local CA.

The client and the model server are the real ones (`replicate` from PyPI; the Cog project run
by `python -m cog.server.http` from cog 0.23.1, started with cog2fal verify's own code). Only the
hosted service between them is stood in for, following Replicate's documented HTTP API:

- `POST /v1/predictions` (`version` = id or `owner/name:id`), `POST /v1/models/{owner}/{name}/
  predictions` and `POST /v1/deployments/{owner}/{name}/predictions` create a prediction (201);
  `Prefer: wait` / `wait=N` holds the answer until it is done or N seconds (at most 60) passed;
- `GET /v1/predictions/{id}`, `POST /v1/predictions/{id}/cancel`;
- `GET /v1/models/{owner}/{name}` and `.../versions/{id}`: the model with its OpenAPI schema
  (what `replicate.run` reads to decide whether an output is an iterator);
- `urls.stream` for iterator outputs: server-sent events `output` (one per item, strings as
  they are), `logs`, `error`, `done`, each with an `id`, as the client's EventSource reads them;
- `POST /v1/files` (what the client does with an open file in `input=`); such URLs reach the
  model as `data:` URIs;
- a prediction's `webhook` gets the finished prediction (POST), as Replicate sends it.

Predictions run in Cog's async mode (`PUT /predictions/{id}`, `Prefer: respond-async`), its
webhooks posted back to a plain-HTTP loopback listener: each `output` webhook carries the output so
far, which is what the stream is made from. Output files are uploaded by Cog (`--upload-url`) to
that listener and served back at https URLs, as replicate.delivery serves them. Requests need an
`Authorization: Bearer ...` header, as the API does; the token's value is not checked.

    python -m tests.support.gateways.replicate_gateway PROJECT_DIR --model OWNER/NAME [--version ID] \
        --cert CHAIN.pem --key KEY.pem --ready-file READY.json --scratch DIR
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import json
import os
import queue
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
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
    map_strings,
    sse_event,
)

TERMINAL = ("succeeded", "failed", "canceled")
MAX_WAIT = 60.0


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")


@dataclass
class Prediction:
    id: str
    model: str
    version: str
    input: dict[str, Any]
    webhook: str | None = None
    webhook_events: list[str] = field(default_factory=lambda: ["start", "output", "logs", "completed"])
    status: str = "starting"
    output: Any = None
    items: list[Any] = field(default_factory=list)  # iterator outputs so far, for the stream
    logs: str = ""
    error: str | None = None
    metrics: dict[str, Any] = field(default_factory=dict)
    created_at: str = field(default_factory=_now)
    started_at: str | None = None
    completed_at: str | None = None
    sent_to_cog: bool = False

    @property
    def done(self) -> bool:
        return self.status in TERMINAL


class ReplicateGateway:
    def __init__(self, cog: Any, model: str, schema: dict[str, Any], files: FileStore,
                 concurrency: int = 1, version: str | None = None):
        self.cog = cog
        self.model = model
        self.schema = schema
        self.version = version or hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()
        self.files = files
        self.base_url = ""      # the public https API, set once listening
        self.internal_url = ""  # where Cog posts webhooks and uploads files
        self._predictions: dict[str, Prediction] = {}
        self._changed = threading.Condition()
        self._queue: queue.Queue[Prediction] = queue.Queue()
        self._workers = [threading.Thread(target=self._work, daemon=True) for _ in range(concurrency)]
        output = schema["components"]["schemas"].get("Output", {})
        self.streams = output.get("type") == "array" and output.get("x-cog-array-type") == "iterator"

    def start_workers(self) -> None:
        for worker in self._workers:
            worker.start()

    # ------------------------------------------------------------------ public API

    def handle(self, request: Request) -> Reply:
        served = self.files.serve(request)
        if served is not None:
            return served
        if not request.headers.get("Authorization", "").startswith("Bearer "):
            return error_reply(401, "You did not pass a valid authentication token")
        parts = [p for p in request.path.split("/") if p]
        route = (request.method, *parts)
        match route:
            case ("POST", "v1", "predictions"):
                return self._create(request, None)
            case ("POST", "v1", "models" | "deployments", owner, name, "predictions"):
                return self._create(request, f"{owner}/{name}")
            case ("GET", "v1", "predictions", prediction_id):
                return self._answer(prediction_id)
            case ("POST", "v1", "predictions", prediction_id, "cancel"):
                return self._cancel(prediction_id)
            case ("GET", "v1", "streams", prediction_id):
                return self._stream(prediction_id)
            case ("GET", "v1", "models", owner, name):
                return self._model_json(f"{owner}/{name}")
            case ("GET", "v1", "models", owner, name, "versions", version_id):
                if f"{owner}/{name}" != self.model or version_id != self.version:
                    return error_reply(404, "Not found.")
                return json_reply(self._version_json())
            case ("POST", "v1", "files"):
                return self._upload(request)
        return error_reply(404, "Not found.")

    def _create(self, request: Request, model: str | None) -> Reply:
        body = request.json() or {}
        if model is None:
            version = str(body.get("version") or "")
            model_part, _, version_id = version.rpartition(":")
            if version_id != self.version or model_part not in ("", self.model):
                return error_reply(422, f"Invalid version or not permitted: {version!r}")
        elif model != self.model:
            return error_reply(404, f"The model {model} does not exist")
        prediction = Prediction(
            id=base64.b32encode(secrets.token_bytes(15)).decode().lower().rstrip("="),
            model=self.model, version=self.version, input=body.get("input") or {},
            webhook=body.get("webhook"))
        if body.get("webhook_events_filter"):
            prediction.webhook_events = list(body["webhook_events_filter"])
        with self._changed:
            self._predictions[prediction.id] = prediction
        self._queue.put(prediction)
        wait = _preferred_wait(request.headers.get("Prefer", ""))
        if wait:
            with self._changed:
                self._changed.wait_for(lambda: prediction.done, timeout=wait)
        return json_reply(self._prediction_json(prediction), 201)

    def _answer(self, prediction_id: str) -> Reply:
        prediction = self._predictions.get(prediction_id)
        if prediction is None:
            return error_reply(404, "Not found.")
        return json_reply(self._prediction_json(prediction))

    def _cancel(self, prediction_id: str) -> Reply:
        prediction = self._predictions.get(prediction_id)
        if prediction is None:
            return error_reply(404, "Not found.")
        with self._changed:
            if not prediction.done and not prediction.sent_to_cog:
                self._finish(prediction, "canceled")
            forward = not prediction.done
        if forward:
            _post(f"{self.cog.base_url}/predictions/{prediction.id}/cancel", None)
        return json_reply(self._prediction_json(prediction))

    def _model_json(self, model: str) -> Reply:
        if model != self.model:
            return error_reply(404, "Not found.")
        owner, name = model.split("/")
        return json_reply({
            "url": f"{self.base_url}/{model}", "owner": owner, "name": name,
            "description": "served by the local Replicate gateway", "visibility": "public",
            "github_url": None, "paper_url": None, "license_url": None, "run_count": 0,
            "cover_image_url": None, "default_example": None, "latest_version": self._version_json()})

    def _version_json(self) -> dict[str, Any]:
        return {"id": self.version, "created_at": "2026-01-01T00:00:00Z", "cog_version": "0.23.1",
                "openapi_schema": self.schema}

    def _upload(self, request: Request) -> Reply:
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {request.headers.get('Content-Type', '')}\r\n\r\n".encode() + request.body)
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "content":
                data = part.get_payload(decode=True) or b""
                name = part.get_filename() or "file"
                url = self.files.add(data, name, part.get_content_type())
                file_id = url.split("/")[-2]
                return json_reply({
                    "id": file_id, "name": name, "content_type": part.get_content_type(), "size": len(data),
                    "etag": hashlib.md5(data).hexdigest(),
                    "checksums": {"sha256": hashlib.sha256(data).hexdigest()}, "metadata": {},
                    "created_at": _now(), "expires_at": None, "urls": {"get": url}}, 201)
        return error_reply(400, "no `content` part in the upload")

    def _prediction_json(self, prediction: Prediction) -> dict[str, Any]:
        urls = {"get": f"{self.base_url}/v1/predictions/{prediction.id}",
                "cancel": f"{self.base_url}/v1/predictions/{prediction.id}/cancel",
                "web": f"{self.base_url}/p/{prediction.id}"}
        if self.streams:
            urls["stream"] = f"{self.base_url}/v1/streams/{prediction.id}"
        with self._changed:
            return {"id": prediction.id, "model": prediction.model, "version": prediction.version,
                    "input": prediction.input, "output": prediction.output, "logs": prediction.logs,
                    "error": prediction.error, "status": prediction.status,
                    "created_at": prediction.created_at, "started_at": prediction.started_at,
                    "completed_at": prediction.completed_at, "data_removed": False,
                    "metrics": dict(prediction.metrics), "urls": urls}

    def _stream(self, prediction_id: str) -> Reply:
        prediction = self._predictions.get(prediction_id)
        if prediction is None:
            return error_reply(404, "Not found.")
        return Reply(200, content_type="text/event-stream", stream=self._events(prediction))

    def _events(self, prediction: Prediction):  # -> Iterator[bytes]
        sent_items = sent_logs = 0
        counter = 0
        while True:
            seen = (sent_items, sent_logs)
            with self._changed:
                self._changed.wait_for(lambda seen=seen: prediction.done or len(prediction.items) > seen[0]
                                       or len(prediction.logs) > seen[1], timeout=1.0)
                items, logs, done = list(prediction.items), prediction.logs, prediction.done
                status, error = prediction.status, prediction.error
            for item in items[sent_items:]:
                counter += 1
                yield sse_event(item if isinstance(item, str) else json.dumps(item), "output", str(counter))
            sent_items = len(items)
            if len(logs) > sent_logs:
                counter += 1
                yield sse_event(logs[sent_logs:].rstrip("\n"), "logs", str(counter))
                sent_logs = len(logs)
            if done:
                if status == "failed":
                    counter += 1
                    detail = json.dumps({"detail": error or "prediction failed"})
                    yield sse_event(detail, "error", str(counter))
                counter += 1
                reason = {} if status == "succeeded" else {"reason": status}
                yield sse_event(json.dumps(reason), "done", str(counter))
                return

    # ------------------------------------------------------------------ Cog side

    def _work(self) -> None:
        while True:
            prediction = self._queue.get()
            with self._changed:
                if prediction.done:
                    continue
                prediction.sent_to_cog = True
            inputs = map_strings(prediction.input, lambda s: self.files.as_data_uri(s) or s)
            body = {"id": prediction.id, "input": inputs,
                    "webhook": f"{self.internal_url}/cog/webhook/{prediction.id}",
                    "webhook_events_filter": ["start", "output", "logs", "completed"]}
            deadline = time.monotonic() + 30
            while True:  # coglet may answer 409 "at capacity" just after the previous prediction
                status, answer = _put_async(f"{self.cog.base_url}/predictions/{prediction.id}", body)
                if status != 409 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            if status >= 400:
                with self._changed:
                    detail = answer.get("detail") if isinstance(answer, dict) else answer
                    prediction.error = json.dumps(detail) if not isinstance(detail, str) else detail
                    self._finish(prediction, "failed")
                continue
            with self._changed:
                self._changed.wait_for(lambda current=prediction: current.done)

    def handle_internal(self, request: Request) -> Reply:
        parts = [p for p in request.path.split("/") if p]
        match (request.method, *parts):
            case ("POST", "cog", "webhook", prediction_id):
                prediction = self._predictions.get(prediction_id)
                if prediction is not None:
                    self._update(prediction, request.json() or {})
                return Reply(200)
            case ("PUT", "cog", "upload", name):
                url = self.files.add(request.body, name, request.headers.get("Content-Type"))
                return Reply(201, headers={"Location": url})
        return error_reply(404, "Not found.")

    def _update(self, prediction: Prediction, update: dict[str, Any]) -> None:
        status = update.get("status", prediction.status)
        with self._changed:
            if prediction.done:
                return
            if "output" in update:
                # Cog inlines some files as data: URIs (those inside objects); Replicate serves
                # every output file at a URL.
                prediction.output = map_strings(update["output"], self._host_data_uri)
                if self.streams and isinstance(prediction.output, list):
                    prediction.items = list(prediction.output)
            prediction.logs = update.get("logs") or prediction.logs
            prediction.metrics.update(update.get("metrics") or {})
            if status == "processing" and prediction.started_at is None:
                prediction.started_at = _now()
            if status in TERMINAL:
                prediction.error = update.get("error")
                self._finish(prediction, status)
            else:
                prediction.status = status

    def _host_data_uri(self, value: str) -> str:
        return self.files.add_data_uri(value, "output") if value.startswith("data:") else value

    def _finish(self, prediction: Prediction, status: str) -> None:
        """Marks the prediction done (call with the lock held) and sends the caller's webhook."""
        prediction.status = status
        prediction.started_at = prediction.started_at or _now()
        prediction.completed_at = _now()
        self._changed.notify_all()
        if prediction.webhook and "completed" in prediction.webhook_events:
            payload = {"id": prediction.id, "model": prediction.model, "version": prediction.version,
                       "input": prediction.input, "output": prediction.output, "logs": prediction.logs,
                       "error": prediction.error, "status": status, "metrics": dict(prediction.metrics),
                       "created_at": prediction.created_at, "started_at": prediction.started_at,
                       "completed_at": prediction.completed_at}
            threading.Thread(target=_post, args=(prediction.webhook, payload), daemon=True).start()


def _preferred_wait(prefer: str) -> float | None:
    for part in prefer.split(","):
        name, _, value = part.strip().partition("=")
        if name == "wait":
            try:
                return min(float(value), MAX_WAIT) if value else MAX_WAIT
            except ValueError:
                return MAX_WAIT
    return None


def _open(request: urllib.request.Request, timeout: float = 30) -> tuple[int, Any]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    except OSError as error:
        return 0, str(error)
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode("utf-8", "replace")


def _put_async(url: str, body: dict[str, Any]) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="PUT")
    request.add_header("Content-Type", "application/json")
    request.add_header("Prefer", "respond-async")
    return _open(request)


def _post(url: str, body: Any) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data or b"", method="POST")
    request.add_header("Content-Type", "application/json")
    return _open(request)


# ---------------------------------------------------------------------- process entry


def _cog_server(project_dir: Path, scratch: Path, upload_url: str) -> tuple[Any, dict[str, Any], int]:
    """Cog's runtime on a copy of the project, set up exactly as `cog2fal verify` sets it up."""
    from cog2fal.reading.project_reader import read_project
    from cog2fal.verify import processes, workspace
    from cog2fal.verify.cog_schema import build_schema, inspect_predictor
    from cog2fal.verify.cog_server import CogServer

    class UploadingCogServer(CogServer):
        """Cog's runtime with `--upload-url`: output files go to the gateway, as on Replicate."""

        def start(self) -> None:
            self.port = processes.free_port()
            env = dict(self.env, PORT=str(self.port), COG_PREDICT_TYPE_STUB=self.predictor_ref)
            self.process = processes.start(
                [sys.executable, "-m", "cog.server.http", "--host", processes.LOOPBACK,
                 "--upload-url", upload_url],
                cwd=self.project_copy, env=env, log=self.log)

    project = read_project(project_dir)
    copy = workspace.copy_tree(Path(project.root), scratch / "cog")
    env = {k: v for k, v in os.environ.items() if not k.startswith("COG_")}
    env["PATH"] = f"{processes.python_shim(scratch / 'bin')}{os.pathsep}{env.get('PATH', '')}"
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTHONUNBUFFERED="1", NO_PROXY="127.0.0.1,localhost")
    for name, value in project.config.environment.items():
        env.setdefault(name, value)
    concurrency = project.config.concurrency_max or 1
    if project.config.concurrency_max:
        env["COG_MAX_CONCURRENCY"] = str(concurrency)
    ref = f"{project.predictor.file}:{project.predictor.name}"
    schema = build_schema(inspect_predictor(copy, ref, env, 300), project.predictor, "0.23.1")
    schema.write(copy)
    return UploadingCogServer(copy, ref, env, scratch / "cog.log"), schema.document, concurrency


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="replicate_gateway")
    parser.add_argument("project", type=Path)
    parser.add_argument("--model", required=True)
    parser.add_argument("--version", help="the version id to serve (default: a hash of the schema)")
    parser.add_argument("--cert", type=Path, required=True)
    parser.add_argument("--key", type=Path, required=True)
    parser.add_argument("--ready-file", type=Path, required=True)
    parser.add_argument("--scratch", type=Path, required=True)
    args = parser.parse_args(argv)

    files = FileStore()
    holder: dict[str, ReplicateGateway] = {}
    internal = Listener(lambda request: holder["gateway"].handle_internal(request)).start()
    public = Listener(lambda request: holder["gateway"].handle(request), tls=(args.cert, args.key))
    cog, schema, concurrency = _cog_server(args.project, args.scratch, f"{internal.base_url}/cog/upload/")
    gateway = ReplicateGateway(cog, args.model, schema, files, concurrency, args.version)
    gateway.base_url = files.base_url = public.base_url
    gateway.internal_url = internal.base_url
    holder["gateway"] = gateway

    def serve() -> dict[str, Any]:
        cog.start()
        cog.wait_ready(300)
        gateway.start_workers()
        public.start()
        return {"base_url": public.base_url, "model": args.model, "version": gateway.version}

    return lifecycle.serve_until_stopped(serve, args.ready_file,
                                         stop=lambda: (public.stop(), internal.stop(), cog.stop()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
