"""The converted fixtures answer through fal's own app server, in process, with `data:` URL
inputs: files come back with the right content types, iterators are collected
at `/` and streamed at `/stream`, BaseModel outputs keep their fields, bad input gets a 422."""

from __future__ import annotations

import base64
import importlib.util
import json
import mimetypes
from pathlib import Path
from typing import Any

import pytest

from cog2fal.convert import ConvertOptions, convert_project
from tests.conftest import FIXTURES
from tests.support.fal_apps import serve, serve_deployed
from tests.support.trees import write_tree

CASES = json.loads((FIXTURES / "CASES.json").read_text())
NEEDS = {"numpy_stats": "numpy", "image_filter_pillow": "PIL"}
# Cog itself cannot run these (see tests/fixtures/projects/README.md); they are still served.
PREDICT = sorted(CASES["predict"])


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("apps")
    built = {}
    for name in sorted({*CASES["predict"], *CASES.get("train", {})}):
        out = root / name
        write_tree(out, convert_project(FIXTURES / name, ConvertOptions(mode="app")).files)
        built[name] = out
    return built


def _file_like(value: Any) -> bool:
    return isinstance(value, dict) and "url" in value and "content_type" in value


def _check_files(value: Any) -> int:
    """Every file in an output is a data: URL whose content type matches its name; returns count."""
    if _file_like(value):
        assert value["url"].startswith("data:")
        guessed = mimetypes.guess_type(value["file_name"])[0] or "application/octet-stream"
        assert value["content_type"] == guessed
        assert value["url"].startswith(f"data:{guessed}")
        payload = base64.b64decode(value["url"].split(",", 1)[1])
        assert len(payload) == value["file_size"]
        return 1
    if isinstance(value, list):
        return sum(_check_files(v) for v in value)
    if isinstance(value, dict):
        return sum(_check_files(v) for v in value.values())
    return 0


def _events(text: str) -> list[Any]:
    return [json.loads(line[len("data: "):]) for line in text.splitlines() if line.startswith("data: ")]


@pytest.mark.parametrize("name", PREDICT)
def test_cases_answer_through_fal(name: str, apps: dict[str, Path]) -> None:
    if name in NEEDS and not _installed(NEEDS[name]):
        pytest.skip(f"needs {NEEDS[name]}")
    app_file = (apps[name] / "fal_app.py").read_text()
    streams = '@fal.endpoint("/stream")' in app_file
    with serve(apps[name]) as client:
        for case in CASES["predict"][name]:
            response = client.post("/", json=case)
            assert response.status_code == 200, response.text
            body = response.json()
            _check_files(body)
            if streams:
                streamed = client.post("/stream", json=case)
                assert streamed.status_code == 200
                assert streamed.headers["content-type"].startswith("text/event-stream")
                items = [event["output"] for event in _events(streamed.text)]
                assert len(items) == len(body["output"])
                for got, collected in zip(items, body["output"], strict=True):
                    if _file_like(got):  # uploaded twice: same bytes, same type
                        assert got["url"] == collected["url"]
                    else:
                        assert got == collected


@pytest.mark.parametrize("name", sorted(CASES.get("train", {})))
def test_training_cases_answer_through_fal(name: str, apps: dict[str, Path]) -> None:
    with serve(apps[name]) as client:
        for case in CASES["train"][name]:
            response = client.post("/train", json=case)
            assert response.status_code == 200, response.text
            assert _check_files(response.json()) >= 1


def test_outputs_have_the_expected_shapes(apps: dict[str, Path]) -> None:
    with serve(apps["audio_wav"]) as client:
        audio = client.post("/", json={}).json()["output"]
        assert audio["content_type"] == "audio/x-wav" and audio["file_name"].endswith(".wav")
    with serve(apps["output_model"]) as client:
        body = client.post("/", json=CASES["predict"]["output_model"][0]).json()
        assert set(body) == {"transcript", "segments", "srt_file", "views", "word_count"}
        assert _check_files(body["views"]) == len(body["views"])
    with serve(apps["concatenate_stream"]) as client:
        case = CASES["predict"]["concatenate_stream"][0]
        tokens = client.post("/", json=case).json()["output"]
        assert isinstance(tokens, list) and all(isinstance(t, str) for t in tokens)
    with serve(apps["file_inputs"]) as client:
        body = client.post("/", json=CASES["predict"]["file_inputs"][0]).json()
        assert [f["content_type"] for f in body["output"]][:1] == ["text/plain"]


def test_invalid_input_is_422_naming_the_field(apps: dict[str, Path]) -> None:
    with serve(apps["input_constraints"]) as client:
        base = CASES["predict"]["input_constraints"][0]
        for field, value in (("temperature", 5.0), ("mode", "bogus"), ("tag", "Not A Tag"),
                             ("repeat", 7), ("prompt", "")):
            response = client.post("/", json={**base, field: value})
            assert response.status_code == 422, (field, response.text)
            assert response.json()["detail"][0]["loc"] == ["body", field]
    with serve(apps["input_constraints"]) as client:
        missing = client.post("/", json={})
        assert missing.status_code == 422
        assert missing.json()["detail"][0]["loc"] == ["body", "prompt"]
    with serve(apps["file_inputs"]) as client:
        case = dict(CASES["predict"]["file_inputs"][0])
        url_field = next(k for k, v in case.items() if isinstance(v, str) and v.startswith("data:"))
        response = client.post("/", json={**case, url_field: "/etc/passwd"})
        assert response.status_code == 422
        assert url_field in json.dumps(response.json()["detail"])


@pytest.mark.parametrize("name", ["module_side_effects", "subfolder_predictor", "file_inputs",
                                  "concatenate_stream", "train_function"])
def test_deployed_like_fal_deploy(name: str, apps: dict[str, Path]) -> None:
    """Pickled like `fal deploy`, unpickled in a fresh process that holds only the app_files:
    module-level code and data files must work there, not only on the deploying machine."""
    requests = [("/", case) for case in CASES["predict"][name][:1]]
    requests += [("/train", case) for case in CASES.get("train", {}).get(name, [])[:1]]
    for result in serve_deployed(apps[name], requests):
        assert result["status"] == 200, result["body"][-2000:]


def test_billing_metric_sets_billable_units(tmp_path: Path) -> None:
    options = ConvertOptions(mode="app", billing_metric="output_token_count")
    write_tree(tmp_path / "app", convert_project(FIXTURES / "metrics_scope", options).files)
    with serve(tmp_path / "app") as client:
        response = client.post("/", json={"prompt": "one two three four five", "max_tokens": 3})
        assert response.status_code == 200, response.text
        assert response.json() == {"output": "three two one"}
        assert response.headers["x-fal-billable-units"] == "3"


def test_cog_weights_url_reaches_setup(apps: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """`setup(self, weights)` gets COG_WEIGHTS as under Cog: a URL is fetched and handed over as a Path."""
    vocab = base64.b64encode(json.dumps({"vocab": ["custom"]}).encode()).decode()
    monkeypatch.setenv("COG_WEIGHTS", f"data:application/json;base64,{vocab}")
    app_dir = apps["train_function"]
    if "DOCKERFILE" in (app_dir / "fal_app.py").read_text():
        pytest.skip("container app")
    with serve(app_dir) as client:
        assert client.post("/", json={"prompt": "custom hello"}).json() == {"output": "custom *"}


def test_async_predictor_keeps_concurrency(apps: dict[str, Path]) -> None:
    app = (apps["async_concurrency"] / "fal_app.py").read_text()
    assert "max_multiplexing = 4" in app
    assert "async def predict(self, input: Input) -> Output:" in app
    assert "result = await self.predictor.predict(**kwargs)" in app
