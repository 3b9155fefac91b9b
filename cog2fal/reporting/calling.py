"""MIGRATION.md's "Calling the app": for each endpoint, the Replicate call it replaces and ready
snippets in Python (`fal_client`), JavaScript (`@fal-ai/client`) and curl (queue and direct).

The snippets follow the clients' real APIs (fal_client 1.x: `subscribe(app, arguments=...,
path=...)`, `stream(app, arguments=..., path="/stream")`; @fal-ai/client 1.x: `fal.subscribe(id,
{input})`, `fal.stream(id, {input})`, the endpoint path appended to the id); the tests compile and
type-check the Python ones against fal_client and syntax-check the JavaScript ones with node.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from cog2fal.project import Entrypoint, Project, TypeRef
from cog2fal.reporting.endpoints import endpoints
from cog2fal.reporting.example_input import example_input
from cog2fal.writing.pysource import literal

OWNER_PLACEHOLDER = "your-team"
_JS_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


@dataclass(frozen=True)
class Endpoint:
    path: str           # "/", "/stream", "/train", "/train/stream"
    entry: Entrypoint   # whose inputs the endpoint takes and whose output it answers with

    @property
    def streams(self) -> bool:
        return self.path.endswith("/stream")


def endpoint_calls(project: Project) -> list[Endpoint]:
    """The app's endpoints (reporting.endpoints, the one list), each with the entry behind it."""
    trainer = project.trainer
    return [Endpoint(path, trainer if trainer and path.startswith("/train") else project.predictor)
            for path in endpoints(project)]


def replicate_model(image: str | None, app_name: str) -> str:
    """The Replicate model the app replaces: cog.yaml's `image: r8.im/owner/name`, else a placeholder."""
    if image and image.startswith("r8.im/") and image.count("/") == 2:
        return image.removeprefix("r8.im/").split(":")[0]
    return f"your-username/{app_name}"


def calling_the_app(project: Project, app_name: str) -> list[str]:
    """The section for a converted project, as MIGRATION.md places it."""
    return calling_section(app_name, endpoint_calls(project), replicate_model(project.config.image, app_name))


def calling_section(app_name: str, endpoints: list[Endpoint], replicate_ref: str) -> list[str]:
    app_id = f"{OWNER_PLACEHOLDER}/{app_name}"
    lines = [
        "## Calling the app", "",
        f"Once deployed, the app's id is `{app_id}`: `{OWNER_PLACEHOLDER}` stands for your fal user or "
        "team name (`fal deploy` prints the URL). Callers authenticate with `FAL_KEY` instead of "
        "`REPLICATE_API_TOKEN`. The example inputs are built from the schema: defaults, the first "
        "choice, a placeholder URL for files (pass any `http(s)://` or `data:` URL). `cog2fal client` "
        "rewrites Python code that calls Replicate into these calls (docs/client.md in cog2fal).", "",
    ]
    for endpoint in endpoints:
        arguments = example_input(endpoint.entry)
        lines += [f"### `POST {endpoint.path}`", ""]
        lines += _block("Replicate (before)", "python", _replicate(endpoint, replicate_ref, arguments))
        lines += _block("Python (`pip install fal-client`)", "python", _python(endpoint, app_id, arguments))
        lines += _block("JavaScript (`npm install @fal-ai/client`)", "js",
                        _javascript(endpoint, app_id, arguments))
        lines += _block("curl", "bash", _curl(endpoint, app_id, arguments))
    return _section_lines(lines)


def _block(title: str, language: str, code: list[str]) -> list[str]:
    return [f"{title}:", "", f"```{language}", *code, "```", ""]


def _section_lines(lines: list[str]) -> list[str]:
    return lines[:-1] if lines and lines[-1] == "" else lines


# ------------------------------------------------------------------------------- Replicate


def _replicate(endpoint: Endpoint, model: str, arguments: dict[str, Any]) -> list[str]:
    body = _python_dict(arguments, 4)
    if endpoint.entry.role == "train":
        note = ["# Replicate trainings do not stream; fal's /train/stream does."] if endpoint.streams else []
        return ["import time", "", "import replicate", "", *note,
                *_python_call("training = replicate.trainings.create", [
                    f'version="{model}:VERSION_ID"', f"input={body}",
                    'destination="your-username/your-trained-model"']),
                'while training.status not in ("succeeded", "failed", "canceled"):',
                "    time.sleep(5)", "    training.reload()", "print(training.output)"]
    if endpoint.streams:
        return ["import replicate", "",
                *_python_call("for event in replicate.stream", [f'"{model}"', f"input={body}"], ":"),
                '    print(str(event), end="")']
    return ["import replicate", "",
            *_python_call("output = replicate.run", [f'"{model}"', f"input={body}"]),
            'print("".join(output))' if endpoint.entry.output.kind == "concatenate" else "print(output)"]


# ------------------------------------------------------------------------------- Python


def _python(endpoint: Endpoint, app_id: str, arguments: dict[str, Any]) -> list[str]:
    body = _python_dict(arguments, 4)
    path = endpoint.path
    if endpoint.streams:
        extra = [] if path == "/stream" else [f'path="{path}"']
        return ["import fal_client", "",
                *_python_call("for event in fal_client.stream",
                              [f'"{app_id}"', f"arguments={body}", *extra], ":"),
                f"    {_python_stream_use(endpoint.entry.output.inner)}"]
    extra = [] if path == "/" else [f'path="{path}"']
    return ["import fal_client", "",
            *_python_call("result = fal_client.subscribe", [f'"{app_id}"', f"arguments={body}", *extra]),
            *_python_use(endpoint.entry)]


def _python_call(head: str, arguments: list[str], tail: str = "") -> list[str]:
    """`head(` then one argument a line, as black lays out a call that does not fit on one."""
    return [f"{head}(", *[f"    {argument}," for argument in arguments], f"){tail}"]


def _python_use(entry: Entrypoint) -> list[str]:
    output = entry.output
    if output.kind == "model":
        model = entry.output_models.get(output.name or "")
        names = [f.name for f in model.fields] if model else []
        if names:
            return [f"# the fields of {output.name}: {', '.join(names)}", f'print(result["{names[0]}"])']
        return ["print(result)"]
    if output.kind in ("path", "file"):
        return ['print(result["output"]["url"])  # a fal File: url, content_type, file_name, file_size']
    if output.kind in ("list", "iterator", "concatenate") and output.inner.kind in ("path", "file"):
        return ['print([file["url"] for file in result["output"]])']
    if output.kind == "concatenate" or (output.kind == "iterator" and output.inner.kind == "str"):
        return ['print("".join(result["output"]))']
    return ['print(result["output"])']


def _python_stream_use(item: TypeRef) -> str:
    if item.kind in ("path", "file"):
        return 'print(event["output"]["url"])'
    if item.kind == "str":
        return 'print(event["output"], end="", flush=True)'
    return 'print(event["output"])'


def _python_dict(value: dict[str, Any], indent: int) -> str:
    if not value:
        return "{}"
    pad = " " * (indent + 4)
    items = [f"{pad}{literal(key)}: {literal(item)}," for key, item in value.items()]
    return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"


# ------------------------------------------------------------------------------- JavaScript


def _javascript(endpoint: Endpoint, app_id: str, arguments: dict[str, Any]) -> list[str]:
    # the path rides on the id; fal.stream adds "/stream" itself unless the id ends with it
    endpoint_id = app_id + ("" if endpoint.path in ("/", "/stream") else endpoint.path)
    body = _js_object(arguments, 2)
    head = ['import { fal } from "@fal-ai/client";', "",
            "// Reads the key from the FAL_KEY environment variable (or call fal.config({ credentials }))."]
    if endpoint.streams:
        item = endpoint.entry.output.inner
        use = ("process.stdout.write(event.output);" if item.kind == "str"
               else "console.log(event.output.url);" if item.kind in ("path", "file")
               else "console.log(event.output);")
        return [*head, f'const stream = await fal.stream("{endpoint_id}", {{', f"  input: {body},", "});",
                "for await (const event of stream) {", f"  {use}", "}", "await stream.done();"]
    return [*head, f'const result = await fal.subscribe("{endpoint_id}", {{', f"  input: {body},",
            "  logs: true,", "});", f"console.log({_js_use(endpoint.entry)});"]


def _js_use(entry: Entrypoint) -> str:
    output = entry.output
    if output.kind == "model":
        return "result.data"
    if output.kind in ("path", "file"):
        return "result.data.output.url"
    return "result.data.output"


def _js_object(value: dict[str, Any], indent: int) -> str:
    if not value:
        return "{}"
    pad = " " * (indent + 2)
    items = [f"{pad}{key if _JS_KEY.match(key) else json.dumps(key)}: {json.dumps(item, ensure_ascii=False)},"
             for key, item in value.items()]
    return "{\n" + "\n".join(items) + "\n" + " " * indent + "}"


# ------------------------------------------------------------------------------- curl


def _curl(endpoint: Endpoint, app_id: str, arguments: dict[str, Any]) -> list[str]:
    data = _shell_quote(json.dumps(arguments, ensure_ascii=False))
    auth = '  -H "Authorization: Key $FAL_KEY" \\'
    if endpoint.streams:
        return ["# direct, server-sent events as they are produced",
                f'curl -N -X POST "https://fal.run/{app_id}{endpoint.path}" \\', auth,
                '  -H "Content-Type: application/json" -H "Accept: text/event-stream" \\', f"  -d {data}"]
    path = "" if endpoint.path == "/" else endpoint.path
    queue = f"https://queue.fal.run/{app_id}"
    return ["# queue: submit, then poll status_url and fetch response_url from the answer",
            f'curl -s -X POST "{queue}{path}" \\', auth, '  -H "Content-Type: application/json" \\',
            f"  -d {data}",
            f'curl -s "{queue}/requests/$REQUEST_ID/status" -H "Authorization: Key $FAL_KEY"',
            f'curl -s "{queue}/requests/$REQUEST_ID" -H "Authorization: Key $FAL_KEY"',
            "",
            "# direct: one request that waits for the result",
            f'curl -s -X POST "https://fal.run/{app_id}{path}" \\', auth,
            '  -H "Content-Type: application/json" \\', f"  -d {data}"]


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"
