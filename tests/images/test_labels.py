"""Cog's labels, every era (cog2fal/images/labels.py), and the cog.yaml rebuilt from the config
label when /src has none (cog2fal/images/config_yaml.py)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from cog2fal.errors import CogProjectError
from cog2fal.images.config_yaml import cog_yaml_text
from cog2fal.images.labels import read_labels
from cog2fal.reading.config import read_config
from tests.conftest import EXAMPLES, FIXTURES
from tests.support.cog_images import era_labels, go_json, normalised_config

SCHEMA = {"openapi": "3.0.2", "components": {"schemas": {"Input": {"type": "object", "properties": {}}}}}
CONFIG = {"build": {"python_version": "3.12"}, "predict": "predict.py:Predictor"}


@pytest.mark.parametrize("era, config_label, schema_label, version", [
    ("0.8", "org.cogmodel.config", "org.cogmodel.openapi_schema", "0.8.3"),
    ("0.16", "run.cog.config", "run.cog.openapi_schema", "0.16.12"),
    ("0.20", "run.cog.config", "run.cog.openapi_schema", "0.20.1"),
])
def test_each_era_is_read(era, config_label, schema_label, version) -> None:
    labels = read_labels(era_labels(era, CONFIG, SCHEMA), "img")
    assert (labels.config, labels.config_label) == (CONFIG, config_label)
    assert (labels.schema, labels.schema_label, labels.cog_version) == (SCHEMA, schema_label, version)


def test_run_cog_labels_win_over_the_old_names() -> None:
    both = {"org.cogmodel.config": go_json({"predict": "old.py:P"}), "run.cog.config": go_json(CONFIG)}
    assert read_labels(both, "img").config == CONFIG


def test_html_escapes_and_no_schema() -> None:
    config = {"build": {"run": [{"command": "a && b > c"}]}, "predict": "p.py:P"}
    labels = read_labels({"run.cog.config": go_json(config)}, "img")
    assert "\\u0026" in go_json(config) and labels.config == config
    assert labels.schema is None and labels.schema_label is None and labels.cog_version is None


@pytest.mark.parametrize("labels, message", [
    (None, "img: not a Cog image: no run.cog.config or org.cogmodel.config label"),
    ({"maintainer": "x"}, "img: not a Cog image"),
    ({"run.cog.config": "  "}, "img: not a Cog image"),
    ({"run.cog.config": "{build"}, "img: label run.cog.config is not JSON (Expecting property name"),
    ({"run.cog.config": "[1]"}, "img: label run.cog.config is not a JSON object"),
    ({"run.cog.config": "{}", "run.cog.openapi_schema": "nope"},
     "img: label run.cog.openapi_schema is not JSON"),
])
def test_what_is_refused(labels, message: str) -> None:
    with pytest.raises(CogProjectError) as caught:
        read_labels(labels, "img")
    assert str(caught.value).startswith(message)


PROJECTS = [p for p in sorted(FIXTURES.iterdir())
            if (p / "cog.yaml").is_file() and "legacy_2021" not in p.name]
PROJECTS += sorted(p for p in EXAMPLES.glob("*/cog") if (p / "cog.yaml").is_file())


def _comparable(config) -> dict:
    return {k: v for k, v in dataclasses.asdict(config).items() if k not in ("lines", "path", "ignored_keys")}


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name if p.name != "cog" else p.parent.name)
def test_a_config_label_rebuilds_an_equivalent_cog_yaml(project: Path, tmp_path: Path) -> None:
    """cog.yaml → normalised label → rebuilt cog.yaml reads as the original (with Cog's
    python_version default filled in where the original had none)."""
    original = read_config(project / "cog.yaml")
    config = json.loads(go_json(normalised_config(project / "cog.yaml")))
    rebuilt = tmp_path / "cog.yaml"
    rebuilt.write_text(cog_yaml_text(config, "run.cog.config"), encoding="utf-8")
    assert rebuilt.read_text().startswith("# Rebuilt by cog2fal from the image's run.cog.config label")
    again = read_config(rebuilt)
    expected = _comparable(original)
    expected["python_version"] = original.python_version or "3.12"
    assert _comparable(again) == expected


def test_nulls_from_go_are_left_out(tmp_path: Path) -> None:
    config = {"build": {"python_version": "3.11", "system_packages": None, "run": None, "gpu": False},
              "predict": "predict.py:Predictor", "train": None}
    text = cog_yaml_text(config, "run.cog.config")
    assert "null" not in text and "train" not in text
    (tmp_path / "cog.yaml").write_text(text)
    assert read_config(tmp_path / "cog.yaml").predict == "predict.py:Predictor"
