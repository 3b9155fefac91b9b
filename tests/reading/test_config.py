"""cog.yaml of every era into a CogConfig; YAML quirks; errors with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cog2fal.errors import CogProjectError
from cog2fal.reading.config import read_config, split_ref


def config(tmp_path: Path, text: str):
    path = tmp_path / "cog.yaml"
    path.write_text(textwrap.dedent(text).lstrip())
    return read_config(path)


def test_current_format(tmp_path: Path) -> None:
    cfg = config(tmp_path, '''
        build:
          gpu: true
          python_version: "3.11"
          python_packages: ["torch==2.3.1"]
          system_packages: [ffmpeg]
          run:
            - echo hi
            - command: pip install private
              mounts:
                - type: secret
                  id: netrc
                  target: /root/.netrc
          cuda: "12.1"
        predict: "predict.py:Predictor"
        train: "train.py:train"
        image: r8.im/acme/model
        concurrency:
          max: 4
        environment:
          - HF_HOME=/src/cache
          - EMPTY=
    ''')
    assert cfg.gpu and cfg.python_version == "3.11" and cfg.cuda == "12.1"
    assert [r.command for r in cfg.run] == ["echo hi", "pip install private"]
    assert cfg.run[1].mounts == [{"type": "secret", "id": "netrc", "target": "/root/.netrc"}]
    assert cfg.concurrency_max == 4
    assert cfg.environment == {"HF_HOME": "/src/cache", "EMPTY": ""}
    assert cfg.line_of("build.cuda") == 13


def test_unquoted_python_version_keeps_its_text(tmp_path: Path) -> None:
    assert config(tmp_path, "build:\n  python_version: 3.10\npredict: p.py:P\n").python_version == "3.10"


def test_null_lists(tmp_path: Path) -> None:
    cfg = config(tmp_path, "build:\n  run:\n  system_packages:\npredict: p.py:P\n")
    assert cfg.run == [] and cfg.system_packages == []


def test_run_key_of_0_20(tmp_path: Path) -> None:
    assert config(tmp_path, 'run: "run.py:Runner"\n').predict == "run.py:Runner"


def test_legacy_2021_format(tmp_path: Path) -> None:
    cfg = config(tmp_path, '''
        model: "model.py:Sharpener"
        environment:
          python_version: "3.8"
          architectures: [cpu, gpu]
          python_packages: [numpy==1.21.0]
        examples:
          - input: {x: 1}
    ''')
    assert cfg.legacy_format and cfg.predict == "model.py:Sharpener" and cfg.gpu
    assert cfg.python_packages == ["numpy==1.21.0"]
    assert "examples" in cfg.ignored_keys


def test_unknown_keys_are_reported_not_fatal(tmp_path: Path) -> None:
    cfg = config(tmp_path, "predict: p.py:P\nbuild:\n  fast: true\nnonsense: 1\n")
    assert set(cfg.ignored_keys) == {"build.fast", "nonsense"}


@pytest.mark.parametrize(("text", "line", "words"), [
    ("build:\n  gpu: true\n  - bad\npredict: p.py:P\n", 3, "invalid YAML"),
    ("predict: p.py:P\nrun: r.py:R\n", 2, "cannot both be set"),
    ("predict: p.py:P\nconcurrency:\n  max: zero\n", 3, "concurrency.max"),
    ("predict: p.py:P\nenvironment:\n  - not an assignment\n", 3, "NAME=value"),
    ("build:\n  gpu: true\n", 1, "no `predict:`"),
    ("- just\n- a list\n", 1, "mapping"),
])
def test_errors_name_the_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(CogProjectError) as error:
        config(tmp_path, text)
    assert error.value.line == line and words in error.value.message
    assert "\n" not in str(error.value)


def test_split_ref(tmp_path: Path) -> None:
    cfg = config(tmp_path, 'predict: "src/predict-large.py:Predictor"\n')
    assert split_ref(cfg.predict, cfg) == ("src/predict-large.py", "Predictor")
    bad = config(tmp_path, 'predict: "predict:Predictor"\n')
    with pytest.raises(CogProjectError):
        split_ref(bad.predict, bad)
