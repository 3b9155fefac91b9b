"""Reads cog.yaml of every Cog era into a `CogConfig`.

YAML is composed into nodes first so that every key keeps its line (for `file:line` messages)
and `python_version: 3.10` keeps its text instead of becoming the float 3.1.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import CogConfig, Finding, Location, RunCommand

TOP_KEYS = {"build", "predict", "run", "train", "image", "model", "concurrency", "environment",
            "weights"}
LEGACY_TOP_KEYS = {"examples", "tests"}


class _Node:
    """A composed YAML value with its line and, for scalars, the raw text."""

    __slots__ = ("value", "line", "raw")

    def __init__(self, value: Any, line: int, raw: str | None = None):
        self.value, self.line, self.raw = value, line, raw


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml, when PyYAML was built with it


def _compose(text: str, path: str) -> yaml.Node | None:
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER)
        except Exception:  # noqa: BLE001 - the pure-Python reader below says what and where
            pass
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow: no mark, a position
        problem = f"unacceptable character #x{exc.character:04x}: {exc.reason}"
        raise CogProjectError(f"invalid YAML: {problem}", path, _line_at(text, exc.position)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CogProjectError(f"invalid YAML: {problem}", path, mark.line + 1 if mark else None) from None


def _line_at(text: str, position: int) -> int:
    """The line of a character, counting line breaks as YAML's reader does."""
    before = text[:position].replace("\r\n", "\n")
    return 1 + sum(before.count(brk) for brk in ("\n", "\r", "\x85", "\u2028", "\u2029"))


def _plain(node: yaml.Node, path: str, loader: yaml.SafeLoader | None = None,
           seen: dict[int, _Node] | None = None) -> Any:
    """Node → Python value, keeping the raw text of scalars next to the value.

    A node reached again through a YAML alias is converted once and shared, so that `&a`/`*a`
    chains ("billion laughs") stay the size of the text."""
    if loader is None:
        loader = yaml.SafeLoader("")
        try:
            return _plain(node, path, loader, {})
        finally:
            loader.dispose()
    assert seen is not None
    if id(node) in seen:
        return seen[id(node)]
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, _Node] = {}
        seen[id(node)] = converted = _Node(result, line)
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            result[str(key)] = _plain(value_node, path, loader, seen)
        return converted
    if isinstance(node, yaml.SequenceNode):
        items: list[_Node] = []
        seen[id(node)] = converted = _Node(items, line)
        items.extend(_plain(item, path, loader, seen) for item in node.value)
        return converted
    try:
        value = loader.construct_object(node, deep=True)
    except yaml.YAMLError as exc:
        raise CogProjectError(f"invalid YAML value: {exc}", path, line) from None
    seen[id(node)] = converted = _Node(value, line, node.value)
    return converted


_MAX_EXPANDED = 100_000  # values a cog.yaml setting may expand to, aliases followed


def _unwrap(node: _Node, path: str = "cog.yaml", budget: list[int] | None = None) -> Any:
    budget = [_MAX_EXPANDED] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise CogProjectError("cog.yaml expands to too many values (YAML aliases)", path, node.line)
    if isinstance(node.value, dict):
        return {k: _unwrap(v, path, budget) for k, v in node.value.items()}
    if isinstance(node.value, list):
        return [_unwrap(v, path, budget) for v in node.value]
    return node.value


# Line breaks and other control characters (TAB is ordinary white space). Every value read here
# reaches a Dockerfile line or the generated app, where a line break starts a new instruction.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def _control_name(char: str) -> str:
    return unicodedata.name(char, "") or f"U+{ord(char):04X}"


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


class _Reader:
    def __init__(self, path: str):
        self.path = path
        self.config = CogConfig(path=path)

    def fail(self, message: str, node: _Node) -> CogProjectError:
        return CogProjectError(message, self.path, node.line)

    def clean(self, text: str, node: _Node, key: str) -> str:
        """`text`, refused at its line when it holds a control character (the value is not
        quoted back: it may be a token)."""
        found = _CONTROL.search(text)
        if found is not None:
            char = found.group()
            label = "a new line" if char in "\r\n" else f"the control character {_control_name(char)}"
            extra = ("; Cog rejects a new line inside a command too: split it into separate list "
                     "items") if key == "build.run" and char in "\r\n" else ""
            raise self.fail(f"`{key}` contains {label} (control characters are refused: they "
                            f"would break the Dockerfile and the app){extra}", node)
        return text

    def string(self, node: _Node, key: str) -> str | None:
        if node.value is None:
            return None
        if isinstance(node.value, (dict, list)):
            raise self.fail(f"`{key}` must be a string", node)
        return self.clean(node.raw if node.raw is not None else str(node.value), node, key)

    def string_list(self, node: _Node, key: str) -> list[str]:
        if node.value is None:
            return []
        if isinstance(node.value, str):  # a lone string where a list belongs
            return [self.clean(node.value, node, key)]
        if not isinstance(node.value, list):
            raise self.fail(f"`{key}` must be a list", node)
        items = []
        for item in node.value:
            if isinstance(item.value, (dict, list)) or item.value is None:
                raise self.fail(f"`{key}` items must be strings", item)
            items.append(self.clean(item.raw if item.raw is not None else str(item.value), item, key))
        return items

    def boolean(self, node: _Node, key: str) -> bool:
        """YAML booleans only (Cog's schema types these `boolean`): `"false"` is not false."""
        if node.value is None:
            return False
        if not isinstance(node.value, bool):
            raise self.fail(f"`{key}` must be true or false, not {type(node.value).__name__} "
                            f"{node.raw!r}" if node.raw is not None else f"`{key}` must be true or false",
                            node)
        return node.value

    def command(self, text: str, node: _Node, key: str) -> str:
        """A `build.run` command as one `RUN` line: a backslash at its end would continue that
        line into the next instruction of the Dockerfile (Cog's own build included)."""
        command = self.clean(text.strip(), node, key)
        if command.endswith("\\"):
            raise self.fail(f"`{key}` command ends with a backslash, which would continue it into "
                            "the next Dockerfile instruction", node)
        return command

    def run_list(self, node: _Node, key: str) -> list[RunCommand]:
        if node.value is None:
            return []
        if not isinstance(node.value, list):
            raise self.fail(f"`{key}` must be a list", node)
        commands = []
        for item in node.value:
            if isinstance(item.value, dict):
                command = item.value.get("command")
                if command is None or not isinstance(command.value, str):
                    raise self.fail(f"`{key}` item needs a `command` string", item)
                mounts = _unwrap(item.value["mounts"], self.path) if "mounts" in item.value else []
                if not isinstance(mounts, list) or not all(isinstance(m, dict) for m in mounts):
                    raise self.fail(f"`{key}` item `mounts` must be a list of mappings", item)
                where = f"{key} mounts"
                mounts = [{self.clean(str(k), item, where): self.clean(str(v), item, where)
                           for k, v in m.items()} for m in mounts]
                commands.append(RunCommand(self.command(command.value, item, key), mounts))
            elif isinstance(item.value, str):
                commands.append(RunCommand(self.command(item.value, item, key)))
            else:
                raise self.fail(f"`{key}` items must be strings or {{command, mounts}}", item)
        return commands

    def concurrency(self, node: _Node) -> int:
        """`concurrency: {max: N}`; a plain `concurrency: N` (early concurrency-era Cog) is the
        maximum, with a note. `true` is not 1: YAML booleans are refused."""
        if not isinstance(node.value, dict):
            if not _is_count(node.value):
                raise self.fail("`concurrency` must be a mapping such as `{max: 4}` (or a plain "
                                "integer of at least 1, the maximum)", node)
            self.config.notes.append(Finding(
                Code.CONCURRENCY_PLAIN_NUMBER,
                f"`concurrency: {node.value}` is read as `concurrency.max: {node.value}` (the form "
                "early Cog accepted); write `concurrency: {max: N}` for current Cog",
                Location(self.path, node.line)))
            return node.value
        limit = node.value.get("max")
        if limit is None or not _is_count(limit.value):
            raise self.fail("`concurrency.max` must be an integer of at least 1", limit or node)
        return limit.value

    def read_build(self, build: _Node, prefix: str = "build") -> None:
        if build.value is None:
            return
        if not isinstance(build.value, dict):
            raise self.fail(f"`{prefix}` must be a mapping", build)
        cfg = self.config
        for key, node in build.value.items():
            cfg.lines[f"{prefix}.{key}"] = node.line
            dotted = f"{prefix}.{key}"
            if key == "gpu":
                cfg.gpu = self.boolean(node, dotted)
            elif key == "architectures":  # 2021 format: [cpu, gpu]
                cfg.gpu = "gpu" in self.string_list(node, dotted)
            elif key == "python_version":
                cfg.python_version = self.string(node, dotted)
            elif key == "python_requirements":
                cfg.python_requirements = self.string(node, dotted)
            elif key == "python_packages":
                cfg.python_packages = self.string_list(node, dotted)
            elif key == "system_packages":
                cfg.system_packages = self.string_list(node, dotted)
            elif key == "run":
                cfg.run = self.run_list(node, dotted)
            elif key == "pre_install":
                cfg.pre_install = self.string_list(node, dotted)
            elif key == "cuda":
                cfg.cuda = self.string(node, dotted)
            elif key == "cudnn":
                cfg.cudnn = self.string(node, dotted)
            elif key == "sdk_version":
                cfg.sdk_version = self.string(node, dotted)
            else:
                cfg.ignored_keys.append(f"{prefix}.{key}")

    def read(self, root: _Node) -> CogConfig:
        cfg = self.config
        if root.value is None:
            raise CogProjectError("cog.yaml is empty", self.path, 1)
        if not isinstance(root.value, dict):
            raise self.fail("cog.yaml must be a mapping of keys", root)
        top = root.value
        for key, node in top.items():
            cfg.lines[key] = node.line
        # 2021 format: `model: file.py:Class` and an `environment:` mapping of build settings.
        model = top.get("model")
        if model is not None and isinstance(model.value, str) and ".py:" in model.value:
            cfg.legacy_format = True
            cfg.predict = self.clean(model.value, model, "model")
            cfg.lines["predict"] = model.line
        elif model is not None:
            cfg.model = self.string(model, "model")
        env = top.get("environment")
        if env is not None and isinstance(env.value, dict):
            cfg.legacy_format = True
            self.read_build(env, "environment")
        elif env is not None:
            for item in self.string_list(env, "environment"):  # control characters refused there
                name, sep, value = item.partition("=")
                if not sep or not name.replace("_", "a").isalnum() or name[0].isdigit():
                    raise self.fail(f"`environment` item {item!r} must look like NAME=value", env)
                cfg.environment[name] = value
        if "build" in top:
            self.read_build(top["build"])
        predict, run = top.get("predict"), top.get("run")
        if predict is not None and run is not None and run.value is not None:
            raise self.fail("`run` and `predict` cannot both be set", run)
        for key, node in (("predict", predict), ("predict", run)):
            if node is not None and node.value is not None:
                cfg.predict = self.string(node, key)
                cfg.lines["predict"] = node.line
        if "train" in top:
            cfg.train = self.string(top["train"], "train")
        if "image" in top:
            cfg.image = self.string(top["image"], "image")
        if "concurrency" in top and top["concurrency"].value is not None:
            cfg.concurrency_max = self.concurrency(top["concurrency"])
        if "weights" in top:
            weights = _unwrap(top["weights"], self.path)
            cfg.weights = weights if isinstance(weights, list) else [weights]
        for key in top:
            if key not in TOP_KEYS and key not in LEGACY_TOP_KEYS:
                cfg.ignored_keys.append(key)
            elif key in LEGACY_TOP_KEYS:
                cfg.ignored_keys.append(key)
        return cfg


def find_config(model_dir: Path) -> Path:
    """MODEL_DIR may be the project folder or the cog.yaml itself."""
    if model_dir.is_file():
        return model_dir
    if not model_dir.exists():
        raise CogProjectError("no such file or directory", model_dir)
    path = model_dir / "cog.yaml"
    if not path.is_file():
        raise CogProjectError("no cog.yaml in this folder", model_dir)
    return path


def read_config(path: Path, display: str | None = None) -> CogConfig:
    display = display or path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CogProjectError(f"cannot read cog.yaml: {exc.strerror}", display) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CogProjectError(f"cog.yaml is not UTF-8 text ({exc.reason})", display, line) from None
    try:  # PyYAML's composer and the readers below recurse once per level of nesting
        node = _compose(text, display)
        if node is None:
            raise CogProjectError("cog.yaml is empty", display, 1)
        config = _Reader(display).read(_plain(node, display))
    except RecursionError:
        raise CogProjectError("cog.yaml nests too deeply", display, _deepest_line(text)) from None
    if not config.predict:
        raise CogProjectError("cog.yaml has no `predict:` (or `run:`) entry", display, 1)
    return config


def _deepest_line(text: str, limit: int = 50) -> int:
    """The first line where brackets or indentation nest more than `limit` levels (roughly)."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        depth += line.count("[") + line.count("{") - line.count("]") - line.count("}")
        if depth > limit or len(line) - len(line.lstrip(" -")) > 2 * limit:
            return number
    return 1


def split_ref(ref: str, config: CogConfig, key: str = "predict") -> tuple[str, str]:
    """`src/predict.py:Predictor` → (`src/predict.py`, `Predictor`), checked like Cog does."""
    parts = ref.split(".py:")
    if len(parts) != 2 or not parts[0] or not parts[1].strip():
        raise CogProjectError(
            f"`{key}: {ref}` must be in the form 'predict.py:Predictor'", config.path,
            config.line_of(key))
    name = parts[1].strip()
    if not name.isidentifier() or keyword.iskeyword(name):
        raise CogProjectError(
            f"`{key}:` names `{name}`, which is not a Python identifier: it must be the name of a "
            "class or function of the file", config.path, config.line_of(key))
    return parts[0].strip() + ".py", name
