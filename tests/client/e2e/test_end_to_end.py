"""A client script written against Replicate gives the same values after `cog2fal client`.

For three runnable examples (a file output, a streamed text output, a BaseModel output): the
script runs with the real `replicate` package against the Cog model (Cog's runtime behind the
Replicate gateway); `cog2fal client` rewrites a copy; the copy runs with the real `fal_client`
against the converted app (fal's app server behind the fal gateway), with no Replicate setting
in its environment. Printed values and written files must be equal (files by content).

Two more tests drive the gateways with the real clients through the paths the scripts do not
take (get, cancel, a failed prediction, models and versions; queue status with logs, result,
cancel, a 422, webhooks), so that a gateway that drifted from the protocols would show.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.client.e2e.conftest import (
    FAL_OWNER,
    SCRIPTS,
    Deployment,
    example_picture,
    run_script,
)
from tests.support.gateways.serving import Listener, Reply


@dataclass
class Outcome:
    stdout: str
    stderr: str
    files: dict[str, bytes]


def _run(deployment: Deployment, script: Path, env: dict[str, str], args: list[str],
         out_dir: Path) -> Outcome:
    done = run_script(script, args, env)
    return Outcome(done.stdout.replace(str(out_dir), "OUT"), done.stderr,
                   {p.name: p.read_bytes() for p in sorted(out_dir.iterdir())})


def _rewrite(script: Path) -> str:
    """`cog2fal client SCRIPT --fal-owner OWNER`, the command a user runs; the new text."""
    before = script.read_text()
    done = subprocess.run([sys.executable, "-m", "cog2fal", "client", str(script), "--fal-owner", FAL_OWNER],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"cog2fal client failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    after = script.read_text()
    assert after != before
    assert "replicate" not in [line.split()[1] for line in after.splitlines()
                               if line.startswith("import ")], after
    compile(after, str(script), "exec")
    return after


def _both_ways(deployment: Deployment, script_name: str, args_for: callable) -> tuple[Outcome, Outcome]:
    """(values through Replicate, values through fal after the rewrite)."""
    results = []
    for side in ("replicate", "fal"):
        folder = deployment.workdir / side
        shutil.rmtree(folder, ignore_errors=True)
        out_dir = folder / "out"
        out_dir.mkdir(parents=True)
        script = shutil.copy(SCRIPTS / script_name, folder / script_name)
        if side == "replicate":
            results.append(_run(deployment, Path(script), deployment.replicate_env(),
                                args_for(out_dir), out_dir))
        else:
            _rewrite(Path(script))
            results.append(_run(deployment, Path(script), deployment.fal_env(), args_for(out_dir), out_dir))
    return results[0], results[1]


# ------------------------------------------------------------------------- image-filter (a file)


@pytest.mark.parametrize("deployment", ["image-filter"], indirect=True)
def test_file_output_same_bytes(deployment: Deployment) -> None:
    photo = deployment.workdir / "holiday.png"
    photo.write_bytes(example_picture())
    replicate, fal = _both_ways(deployment, "image_filter.py", lambda out: [str(photo), str(out)])
    assert replicate.stdout == "OUT/embossed.png\n"
    assert replicate.files["embossed.png"].startswith(b"\x89PNG\r\n\x1a\n")
    assert "fetching https://127.0.0.1:" in replicate.stderr  # a URL, fetched as FileOutput does
    assert fal.stdout == replicate.stdout
    assert fal.files == replicate.files
    assert "fetching https://127.0.0.1:" in fal.stderr  # fal's File, fetched from its URL


# ------------------------------------------------------------------ streaming-text (streamed text)


@pytest.mark.parametrize("deployment", ["streaming-text"], indirect=True)
def test_streamed_text_same_words(deployment: Deployment) -> None:
    replicate, fal = _both_ways(deployment, "streaming_text.py", lambda out: ["the answer"])
    story, retold, second = replicate.stdout.splitlines()
    assert len(story.split()) >= 10 and len(second.split()) >= 5 and len({story, retold, second}) == 3
    assert fal.stdout == replicate.stdout


# ------------------------------------------------------------------ caption-json (a BaseModel)


@pytest.mark.parametrize("deployment", ["caption-json"], indirect=True)
def test_basemodel_output_same_fields(deployment: Deployment) -> None:
    photo = deployment.workdir / "product.png"
    photo.write_bytes(example_picture("caption-json", "default"))
    replicate, fal = _both_ways(deployment, "caption_json.py", lambda out: [str(photo), str(out)])
    fields = dict(line.split(": ", 1) for line in replicate.stdout.splitlines())
    assert set(fields) == {"caption", "size", "tags", "color"} and fields["caption"]
    assert replicate.files["thumbnail.jpg"].startswith(b"\xff\xd8")
    assert fal.stdout == replicate.stdout
    assert fal.files == replicate.files


# ----------------------------------------------- the gateways speak the protocols the clients use

_REPLICATE_PROTOCOL = '''
import json
import replicate
from replicate.exceptions import ModelError

seen = {}
first = replicate.models.predictions.create(model="acme/streaming-text", input={"max_tokens": 256})
queued = replicate.models.predictions.create(model="acme/streaming-text", input={"max_tokens": 5})
queued.cancel()
queued.reload()
seen["queued"] = queued.status
first.wait()
seen["first"] = [first.status, len(first.output), first.metrics["predict_time"] > 0]
seen["get"] = replicate.predictions.get(first.id).output == first.output
version = replicate.models.get("acme/streaming-text").latest_version
seen["iterator"] = version.openapi_schema["components"]["schemas"]["Output"]["x-cog-array-type"]
try:
    replicate.run("acme/streaming-text", input={"max_tokens": 0})
except ModelError as error:
    seen["invalid"] = "max_tokens" in error.prediction.error
print(json.dumps(seen))
'''

_FAL_PROTOCOL = '''
import json
import sys
import fal_client

app = sys.argv[1]
seen = {}
handle = fal_client.submit(app, arguments={"max_tokens": 5}, webhook_url=sys.argv[2])
result = handle.get()
status = handle.status(with_logs=True)
seen["status"] = [type(status).__name__, status.logs, "inference_time" in status.metrics]
seen["result"] = fal_client.result(app, handle.request_id) == result
seen["run"] = fal_client.run(app, arguments={"max_tokens": 5}) == result
for name, call in (("cancel", lambda: handle.cancel()),
                   ("invalid", lambda: fal_client.run(app, arguments={"max_tokens": 0}))):
    try:
        call()
    except fal_client.FalClientHTTPError as error:
        seen[name] = error.status_code
print(json.dumps([seen, result]))
'''


@pytest.mark.parametrize("deployment", ["streaming-text"], indirect=True)
def test_replicate_gateway_answers_as_replicate_does(deployment: Deployment) -> None:
    script = deployment.workdir / "replicate_protocol.py"
    script.write_text(_REPLICATE_PROTOCOL)
    seen = json.loads(run_script(script, [], deployment.replicate_env()).stdout)
    assert seen == {"queued": "canceled", "first": ["succeeded", 256, True], "get": True,
                    "iterator": "iterator", "invalid": True}


@pytest.mark.parametrize("deployment", ["streaming-text"], indirect=True)
def test_fal_gateway_answers_as_fal_does(deployment: Deployment) -> None:
    hooks: list[dict] = []
    receiver = Listener(lambda request: hooks.append(request.json()) or Reply(200)).start()
    try:
        script = deployment.workdir / "fal_protocol.py"
        script.write_text(_FAL_PROTOCOL)
        done = run_script(script, [deployment.fal_app_id, receiver.base_url + "/hook"], deployment.fal_env())
        seen, result = json.loads(done.stdout)
        deadline = time.monotonic() + 10
        while not hooks and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        receiver.stop()
    assert seen == {"status": ["Completed", [], True], "result": True, "run": True, "cancel": 400,
                    "invalid": 422}
    assert len(result["output"]) == 5
    assert len(hooks) == 1 and hooks[0]["status"] == "OK" and hooks[0]["payload"] == result
