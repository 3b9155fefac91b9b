"""Secrets never echoed: a Secret input's default and secret-looking cog.yaml `environment`
values are masked in MIGRATION.md, `inspect`, `inspect --json` and the published schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cog2fal.reporting.masking import MASK, shown_environment
from tests.support.fal_apps import openapi, serve

TOKEN = "hunter2-s3cr3t"
ENV_TOKEN = "hf_envS3cr3tValue"
PREDICTOR = f'''from typing import Optional

from cog import BasePredictor, Input, Secret


class Predictor(BasePredictor):
    def predict(self, token: Secret = Input(default="{TOKEN}", description="API token"),
                other: Optional[Secret] = Input(default=None), n: int = 2) -> str:
        value = token.get_secret_value()
        return f"{{len(value)}}:{{value[:2]}}:{{other is None}}:{{n}}"
'''
COG_YAML = (f'build:\n  python_version: "3.11"\npredict: "predict.py:Predictor"\n'
            f'environment:\n  - HF_TOKEN={ENV_TOKEN}\n  - HF_HOME=/src/cache\n  - API_KEY={ENV_TOKEN}\n')


def cog2fal(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cog2fal", *args], capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "model"
    root.mkdir()
    (root / "predict.py").write_text(PREDICTOR)
    (root / "cog.yaml").write_text(COG_YAML)
    return root


def test_inspect_masks_the_secret_default_and_environment(project: Path) -> None:
    for args in (("inspect", str(project)), ("inspect", str(project), "--json")):
        done = cog2fal(*args)
        assert done.returncode == 0, done.stderr
        assert TOKEN not in done.stdout and ENV_TOKEN not in done.stdout, args
    report = json.loads(cog2fal("inspect", str(project), "--json").stdout)
    token = next(i for i in report["predictor"]["inputs"] if i["name"] == "token")
    assert token["default"] == MASK and token["has_default"] is True
    assert report["config"]["environment"] == {"HF_TOKEN": MASK, "HF_HOME": "/src/cache", "API_KEY": MASK}


def test_migration_report_and_published_schema_mask_the_secret_default(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = cog2fal("convert", str(project), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert TOKEN not in done.stdout + done.stderr
    migration = (out / "MIGRATION.md").read_text()
    assert TOKEN not in migration and ENV_TOKEN not in migration
    schema = json.dumps(openapi(out / "fal_app.py"))
    assert TOKEN not in schema
    token = next(s for s in openapi(out / "fal_app.py")["components"]["schemas"].values()
                 if "token" in s.get("properties", {}))["properties"]["token"]
    assert token["default"] == MASK and token["format"] == "password" and token["writeOnly"] is True
    with serve(out) as client:  # the model still gets the real default
        response = client.post("/", json={})
        assert response.status_code == 200, response.text
        assert response.json() == {"output": f"{len(TOKEN)}:hu:True:2"}


def test_environment_rule() -> None:
    env = {"HF_TOKEN": "x", "api_key": "x", "DB_PASSWORD": "x", "AWS_SECRET_ACCESS_KEY": "x",
           "GOOGLE_APPLICATION_CREDENTIALS": "x", "AUTH_HEADER": "x", "HF_HOME": "/cache",
           "KEYBOARD": "us", "URL": "https://user:pw@host/x", "EMPTY": ""}
    shown = shown_environment(env)
    assert {k for k, v in shown.items() if v == MASK} == {
        "HF_TOKEN", "api_key", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "GOOGLE_APPLICATION_CREDENTIALS",
        "AUTH_HEADER"}
    assert shown["URL"] == "https://***@host/x" and shown["HF_HOME"] == "/cache" and shown["EMPTY"] == ""


def test_verify_compares_secret_defaults_masked() -> None:
    """Cog (pydantic 2) publishes the value, the app the mask: the same observable field."""
    from cog2fal.verify.schemas import field_schema

    secret = {"type": "string", "format": "password", "writeOnly": True}
    cog = field_schema({**secret, "default": TOKEN}, {})
    fal = field_schema({**secret, "default": MASK}, {})
    assert cog == fal and cog.default == MASK
    assert field_schema({**secret, "default": None}, {}) != cog
