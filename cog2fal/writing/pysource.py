"""Small helpers for emitting Python source that reads as if written by hand."""

from __future__ import annotations

import keyword
import re
from typing import Any

MAX_LINE = 100


def literal(value: Any) -> str:
    """A Python literal for a JSON-like value, deterministic and valid."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return f'float("{value}")'
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    return repr(value)


# Characters that must not appear raw in generated source: control characters (TAB and, where
# allowed, the line feed aside), line and paragraph separators, and the bidirectional controls
# that make code read differently from how it runs.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def in_triple_quotes(text: str, *, keep_newlines: bool = False) -> str:
    """Text (from the project) made safe inside a `\"\"\"...\"\"\"` string: backslashes doubled, no three
    quotes in a row and no quote at the end unescaped, control characters escaped (line feeds
    too unless `keep_newlines`). The one path for project text in docstrings and long strings."""
    body = text.replace("\\", "\\\\")
    body = _UNSAFE_CHARS.sub(_escape_char, body.replace("\r\n", "\n") if keep_newlines else body)
    if not keep_newlines:
        body = body.replace("\n", "\\n")
    return re.sub(r'"(?=""|"*\Z)', '\\\\"', body)


def comment_text(text: str) -> str:
    """Text (from the project) for a `#` comment: one line, control characters escaped."""
    return _UNSAFE_CHARS.sub(_escape_char, " ".join(text.split()))


def python_name(text: str) -> bool:
    """A name that may stand in generated code as an identifier."""
    return text.isidentifier() and not keyword.iskeyword(text)


def _string(value: str) -> str:
    """Double quotes, as ruff format and black would write it."""
    text = repr(value)
    if text.startswith("'") and '"' not in value:
        text = '"' + text[1:-1].replace("\\'", "'") + '"'
    return text


def call(name: str, args: list[str], indent: str, prefix: str = "") -> str:
    """`name(a, b)` on one line when it fits (after `prefix` on the same line), else one argument
    per line with a trailing comma. `indent` is the indentation of the line the call starts on."""
    one_line = f"{name}({', '.join(args)})"
    if len(indent) + len(prefix.rsplit("\n", 1)[-1]) + len(one_line) <= MAX_LINE:
        return one_line
    inner = indent + "    "
    return f"{name}(\n" + "".join(f"{inner}{arg},\n" for arg in args) + f"{indent})"


def class_name(text: str) -> str:
    """`my-model_v2` → `MyModelV2`; always a valid identifier."""
    parts = [p for p in re.split(r"[^0-9A-Za-z]+", text) if p]
    name = "".join(p[:1].upper() + p[1:] for p in parts) or "Model"
    if name[0].isdigit():
        name = "Model" + name
    if keyword.iskeyword(name):  # an app named "none" or "true"
        name += "App"
    return name


def kebab(text: str) -> str:
    """App names on fal are lowercase words joined by dashes."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", text)
    return re.sub(r"[^0-9a-z]+", "-", text.lower()).strip("-") or "cog-model"


def identifier(text: str) -> str:
    name = re.sub(r"\W", "_", text)
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = "_" + name
    return name


_ALIAS_PREFIX = {"fal.toolkit": "Fal", "fal": "Fal", "pathlib": "Pathlib", "typing": "Typing",
                 "pydantic": "Pydantic", "fastapi": "FastAPI", "fastapi.responses": "FastAPI"}


class Imports:
    """Collects `from module import name` lines; renders them sorted like isort would.

    `taken` are names the project defines at the top of the app (its output models): an import
    of the same name is aliased (`from fal.toolkit import Image as FalImage`), and `local()`
    says what to write for it, so the project's classes keep their published names."""

    def __init__(self, taken: set[str] | frozenset[str] = frozenset()) -> None:
        self.modules: set[str] = set()
        self.names: dict[str, set[str]] = {}
        self.taken = frozenset(taken)
        self._aliased: set[tuple[str, str]] = set()  # names the writers refer to by `local()`

    def module(self, name: str) -> str:
        self.modules.add(name)
        return self.local_module(name)

    def add(self, module: str, *names: str) -> None:
        self.names.setdefault(module, set()).update(names)

    def local(self, module: str, name: str) -> str:
        """The name an imported `name` has in the app: itself, or its alias when taken."""
        if name not in self.taken:
            return name
        self._aliased.add((module, name))
        alias = _ALIAS_PREFIX.get(module, module.split(".")[0].title().replace("_", "")) + name
        while alias in self.taken:
            alias = "_" + alias
        return alias

    def local_module(self, name: str) -> str:
        return name if name not in self.taken else f"{name}_module"

    def use(self, module: str, name: str) -> str:
        """`add` and `local` at once: imports `name` and returns what to write for it."""
        self.add(module, name)
        return self.local(module, name)

    def _entry(self, module: str, name: str) -> str:
        if (module, name) not in self._aliased:
            return name
        return f"{name} as {self.local(module, name)}"

    def _module_line(self, module: str) -> str:
        local = self.local_module(module)
        return f"import {module}" if local == module else f"import {module} as {local}"

    def render(self, first_party: set[str] | None = None) -> str:
        first_party = first_party or set()
        stdlib = {"json", "mimetypes", "os", "sys", "pathlib", "typing", "collections",
                  "contextlib", "asyncio"}
        groups: list[list[str]] = [[], [], []]

        def group_of(module: str) -> int:
            top = module.split(".")[0]
            return 0 if top in stdlib else 2 if top in first_party else 1

        for module in self.modules:
            groups[group_of(module)].append(self._module_line(module))
        for module, names in self.names.items():
            ordered = [self._entry(module, n) for n in
                       sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n.lower()))]
            line = f"from {module} import {', '.join(ordered)}"
            if len(line) > MAX_LINE:
                line = f"from {module} import (\n" + "".join(f"    {n},\n" for n in ordered) + ")"
            groups[group_of(module)].append(line)

        def sort_key(line: str) -> tuple[int, str]:
            words = line.split()
            return (0 if words[0] == "import" else 1, words[1])

        return "\n\n".join("\n".join(sorted(g, key=sort_key)) for g in groups if g)
