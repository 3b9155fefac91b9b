"""Hypothesis strategies: predictors as source text, cog.yaml documents, requirements files.

Everything is generated as text, the way authors write it; most of it is valid Python / YAML,
some of it deliberately is not (a duplicated parameter, a keyword Cog does not know).
"""

from __future__ import annotations

import keyword

import yaml
from hypothesis import strategies as st


def one_in(n: int) -> st.SearchStrategy[bool]:
    """True about once in `n` draws (`st.integers(0, n) == 0` would be far likelier: hypothesis
    favours small values)."""
    return st.sampled_from([False] * (n - 1) + [True])


IDENT = st.one_of(
    st.from_regex(r"[a-z_][a-z0-9_]{0,7}", fullmatch=True).filter(
        lambda s: not keyword.iskeyword(s) and not keyword.issoftkeyword(s)),
    # names that collide with builtins, Cog, pydantic, fal or the generated app
    st.sampled_from(["input", "type", "list", "str", "id", "self_", "_private", "__dunder__", "model",
                     "Input", "Output", "File", "Path", "Field", "app", "request", "response", "json",
                     "schema", "dict", "copy", "validate", "model_config", "fields", "setup", "predict",
                     "ñame", "名前", "x" * 80, "match", "case", "_", "Image", "Literal", "Any"]),
)
CONST = st.sampled_from(["SIZES", "PRESETS", "DEFAULT", "MODES", "N", "LIMIT", "UNDEFINED_NAME"])

STRING = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=12).map(repr),
    st.sampled_from(['"a"', "'b'", '"""multi\nline"""', "r'\\d+'", "'é✓'", '"\\x00"', "b'bytes'",
                     "f'{N}'", "'a' 'b'", "'%s' % 1", "'{}'.format(2)", '"quote\\"d"']),
)
NUMBER = st.one_of(
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["0", "-1", "1e309", "float('inf')", "float('nan')", "10**100", "2**2000",
                     "0x10", "1_000", "True", "-0.0", "1j", "N", "N + 1", "LIMIT * 2"]),
)


def _collections(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    items = st.lists(children, max_size=4)
    return st.one_of(
        items.map(lambda xs: "[" + ", ".join(xs) + "]"),
        items.map(lambda xs: "(" + ", ".join(xs) + ("," if len(xs) == 1 else "") + ")"),
        items.filter(bool).map(lambda xs: "{" + ", ".join(xs) + "}"),
        st.lists(st.tuples(STRING, children), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k}: {v}" for k, v in kv) + "}"),
        st.tuples(children, children).map(lambda ab: f"{ab[0]} + {ab[1]}"),
        st.tuples(children, children, children).map(lambda c: f"{c[0]} if {c[1]} else {c[2]}"),
        children.map(lambda x: f"[{x} for _ in range(3)]"),
        children.map(lambda x: f"sorted({x})"),
        children.map(lambda x: f"list({x})"),
        children.map(lambda x: f"len({x})"),
        children.map(lambda x: f"({x})"),
        children.map(lambda x: f"-{x}"),
        children.map(lambda x: f"{x}[0]"),
        children.map(lambda x: f"{x}.keys()"),
        children.map(lambda x: f"unknown_call({x})"),
        children.map(lambda x: f"lambda: {x}"),
    )


EXPRESSION = st.recursive(
    st.one_of(STRING, NUMBER, CONST, st.sampled_from(["None", "...", "Path('x')", "os.environ"])),
    _collections, max_leaves=8)

CHOICES = st.one_of(
    st.lists(STRING, max_size=6).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.lists(st.integers(-5, 50).map(str), max_size=6).map(lambda xs: "[" + ", ".join(xs) + "]"),
    st.sampled_from(["SIZES", "list(PRESETS.keys())", "sorted(PRESETS)", "range(3)", "range(10**9)",
                     "[2**i for i in range(4)]", "SIZES + ['custom']", "MODES", "[1, 'a', None]",
                     "[True, False]", "[]", "()", "{'a', 'b'}", "'abc'", "42", "[[1], [2]]",
                     "[x for x in range(3) if x]", "list(Color)", "[c.value for c in Color]"]),
    EXPRESSION,
)

SIMPLE_TYPES = ["str", "int", "float", "bool", "Path", "cog.Path", "File", "Secret", "dict", "Any",
                "list", "List", "None", "object", "pathlib.Path", "Unknown", "np.ndarray", "bytes",
                "Color", "Output", "'str'", "'Path'", "\"List[int]\"", "'not valid['"]


def _annotations(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        children.map(lambda t: f"List[{t}]"),
        children.map(lambda t: f"list[{t}]"),
        children.map(lambda t: f"Optional[{t}]"),
        children.map(lambda t: f"{t} | None"),
        st.tuples(children, children).map(lambda ab: f"Union[{ab[0]}, {ab[1]}]"),
        children.map(lambda t: f"Iterator[{t}]"),
        children.map(lambda t: f"AsyncIterator[{t}]"),
        children.map(lambda t: f"ConcatenateIterator[{t}]"),
        children.map(lambda t: f"Annotated[{t}, 'meta']"),
        children.map(lambda t: f"tuple[{t}, ...]"),
        children.map(lambda t: f"Dict[str, {t}]"),
        st.just("Literal['a', 'b']"),
    )


ANNOTATION = st.recursive(st.sampled_from(SIMPLE_TYPES), _annotations, max_leaves=3)
INPUT_KEYWORDS = ["description", "default", "ge", "le", "min_length", "max_length", "regex",
                  "choices", "deprecated", "default_factory", "accept", "bogus", "type"]


@st.composite
def input_call(draw: st.DrawFn) -> str:
    args = []
    if draw(st.booleans()):
        args.append(draw(EXPRESSION))  # Cog's first positional parameter is the default
    keys = st.sampled_from(INPUT_KEYWORDS[:9] if not draw(one_in(4)) else INPUT_KEYWORDS)
    for key in draw(st.lists(keys, max_size=5, unique=not draw(one_in(10)))):
        value = {"choices": CHOICES, "description": STRING, "regex": STRING, "ge": NUMBER, "le": NUMBER,
                 "min_length": NUMBER, "max_length": NUMBER, "deprecated": st.sampled_from(["True", "1"]),
                 "default_factory": st.sampled_from(["list", "lambda: [1]", "dict"])}.get(key, EXPRESSION)
        args.append(f"{key}={draw(value)}")
    if draw(one_in(21)):
        args.append(draw(st.sampled_from(["*extra", "**options"])))
    callee = draw(st.sampled_from(["Input", "Input", "Input", "cog.Input", "CogInput", "Field"]))
    return f"{callee}({', '.join(args)})"


@st.composite
def parameter(draw: st.DrawFn, name: str) -> str:
    text = name
    if not draw(one_in(6)):
        text += f": {draw(ANNOTATION)}"
    kind = draw(st.integers(0, 7))
    if kind <= 3:
        text += f" = {draw(input_call())}"
    elif kind == 4:
        text += f" = {draw(EXPRESSION)}"
    elif kind == 5:
        text += draw(st.sampled_from([" = Inputs.prompt", " = SHARED.prompt"]))
    elif kind == 6:  # a helper that builds the Input (replicate/cog-flux's style)
        helper = draw(st.sampled_from(["Inputs.steps_with", "SHARED.steps_with", "input_with",
                                       "Inputs.missing_with"]))
        args = draw(st.lists(EXPRESSION, max_size=2))
        keys = st.lists(st.sampled_from(["default", "le", "description", "bogus"]), max_size=2, unique=True)
        args += [f"{key}={draw(EXPRESSION)}" for key in draw(keys)]
        text += f" = {helper}({', '.join(args)})"
    return text


IMPORTS = [
    "from cog import BasePredictor, Input, Path",
    "from cog import BasePredictor, BaseModel, Input, Path, File, Secret, ConcatenateIterator",
    "from cog import *",
    "import cog",
    "from cog import Input as CogInput, BasePredictor as Base",
    "from cog import Path as CogPath",
    "from pathlib import Path",
    "import pathlib",
    "from typing import Any, AsyncIterator, Dict, Iterator, List, Literal, Optional, Union, Annotated",
    "from pydantic import BaseModel, Field",
    "import os",
    "import numpy as np",
    "from enum import Enum",
    "from .helpers import thing",
    "from __future__ import annotations",
]

PRELUDE = [
    "class Local(BasePredictor):\n    def setup(self):\n        pass",
    "class Loop(Loop2):\n    pass\n\nclass Loop2(Loop):\n    pass",
    "class Output(Output):\n    extra: int",
    "@dataclass\nclass Config:\n    size: int = 1",
    "match N:\n    case 1:\n        pass",
    "if (n := 3) > 2:\n    pass",
    "global_value = lambda x=1: x",
    "del os",
    "Predictor = None",
    "def helper(*args, **kwargs):\n    return args",
    "__all__ = ['Predictor', 'Path']",
    "SIZES = ['small', 'large']",
    "PRESETS = {'fast': 1, 'slow': 2}",
    "DEFAULT = SIZES[0]",
    "MODES = tuple(sorted(PRESETS))",
    "N = 3",
    "LIMIT: int = 10",
    "class Color(Enum):\n    RED = 'red'\n    BLUE = 'blue'",
    "class Output(BaseModel):\n    text: str\n    file: Optional[Path] = None\n    more: 'Output' = None",
    "class Inputs:\n    prompt = Input(description='shared prompt', default='hi')",
    "class Inputs:\n    prompt = Input(description='shared prompt')\n\n    @staticmethod\n"
    "    def steps_with(default=4, le=50, **extra):\n        description = 'Steps'\n"
    "        if le > 10:\n            description += f' (up to {le})'\n"
    "        return Input(description=description, ge=1, le=le, default=default, **extra)\n\n"
    "SHARED = Inputs()",
    "def input_with(default, *choices):\n    values = list(choices)\n"
    "    return Input(default=default, choices=values or None)",
    "os.environ['X'] = '1'",
    "if True:\n    from cog import Input",
    "try:\n    import torch\nexcept ImportError:\n    torch = None",
]


@st.composite
def body(draw: st.DrawFn, generator: bool, indent: str) -> str:
    plain = ["x = 1", "pass", "def inner():\n    yield 1", "print(f'{self!r}')", "raise ValueError('no')",
             "with open('f') as f:\n    data = f.read()", "for i in range(3):\n    x = i"]
    returning = ["return None", "return 'done'", "return Path('out.txt')", "return {'a': 1}"]
    yielding = ["yield 'token'", "yield from ['a', 'b']", "return"]
    lines = draw(st.lists(st.sampled_from(plain + (yielding if generator else returning)),
                          min_size=1, max_size=3))
    if generator:
        lines.append("yield 'end'")
    return "\n".join(indent + line.replace("\n", "\n" + indent) for line in lines)


@st.composite
def predictor_source(draw: st.DrawFn) -> tuple[str, str]:
    """(predict.py text, the `Name` cog.yaml points at)."""
    parts = draw(st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=6, unique=True))
    parts.sort(key=lambda line: not line.startswith("from __future__"))
    parts += draw(st.lists(st.sampled_from(PRELUDE), max_size=5, unique=True))
    names = draw(st.lists(IDENT, min_size=0 if draw(one_in(8)) else 1, max_size=6, unique=True))
    params = [draw(parameter(name)) for name in names]
    if not draw(one_in(10)):  # required parameters first, as Python wants (mostly)
        params.sort(key=lambda p: "=" in p)
    if draw(one_in(31)):
        # refused, or a duplicate
        params.append(draw(st.sampled_from(["*args", "**kwargs", "prompt", "self"])))
    is_async = draw(one_in(4))
    generator = draw(one_in(4))
    returns = f" -> {draw(ANNOTATION)}" if not draw(one_in(5)) else ""
    decorators = draw(st.lists(st.sampled_from([
        "@staticmethod", "@functools.wraps(f)", "@torch.inference_mode()", "@cog.input('prompt', type=str, "
        "default='x', help='h')", "@cog.input('n', type=int, min=0, max=10, options=[1, 2])",
        "@cog.input(name)", "@some.decorator(1, k=2)"]), max_size=2))
    method = draw(st.sampled_from(["predict"] * 6 + ["run", "run", "train", "__call__"]))
    prefix = "async def" if is_async else "def"
    if draw(one_in(5)):  # a predictor function
        text = "\n".join([*decorators, f"{prefix} {method}({', '.join(params)}){returns}:",
                          draw(body(generator, "    "))])
        parts.append(text)
        return "\n\n".join(parts) + "\n", method
    base = draw(st.sampled_from(["BasePredictor", "cog.BasePredictor", "Base", "BaseRunner", "", "object",
                                 "BasePredictor, ABC", "Predictor", "cog.Model", "Local", "Loop",
                                 "BasePredictor, metaclass=ABCMeta", "*bases", "BasePredictor, **kw",
                                 "Generic[T]", "cog.Predictor"]))
    class_name = draw(st.sampled_from(["Predictor", "Predictor", "Model", "Runner"]))
    members = []
    if draw(st.booleans()):
        setup_params = draw(st.sampled_from(["self", "self, weights", "self, weights: Optional[Path] = None",
                                             "self, *, weights=None"]))
        members.append(f"    {'async def' if draw(st.booleans()) else 'def'} setup({setup_params}):\n"
                       "        self.ready = True")
    signature = ", ".join(["self", *params])
    if draw(one_in(11)) and params:  # no `self`: the first parameter receives the instance
        signature = ", ".join(params)
    if draw(one_in(8)) and params:  # positional-only or keyword-only markers
        cut = draw(st.integers(0, len(params)))
        marker = draw(st.sampled_from(["/", "*"]))
        signature = ", ".join(["self", *params[:cut], marker, *params[cut:]])
    members.append("\n".join([*("    " + d for d in decorators),
                              f"    {prefix} {method}({signature}){returns}:",
                              draw(body(generator, "        "))]))
    if draw(one_in(6)):
        members.append("    def predict(self) -> str:\n        return 'second'")
    if draw(one_in(6)):
        members.insert(0, draw(st.sampled_from([
            '    """Docstring."""', "    size = 3", "    def __init__(self):\n        self.x = 1",
            "    class Inner:\n        def predict(self):\n            pass", "    predict = None",
            "    @property\n    def name(self):\n        return 'x'"])))
    header = draw(st.sampled_from(["@dataclass\n", "@some.decorator()\n"])) if draw(one_in(8)) else ""
    parts.append(f"{header}class {class_name}({base}):\n" + "\n\n".join(members))
    return "\n\n".join(parts) + "\n", class_name


YAML_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
    st.text(max_size=20), st.sampled_from(["3.10", "3.8", "11.8", "predict.py:Predictor", "", "~",
                                           "requirements.txt", "-e .", "torch==2.0.1", "yes", "null"]),
)
YAML_VALUES = st.recursive(
    YAML_SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=10)
BUILD_KEYS = ["gpu", "python_version", "python_requirements", "python_packages", "system_packages",
              "run", "pre_install", "cuda", "cudnn", "sdk_version", "architectures", "fast", "junk"]
TOP_KEYS = ["build", "predict", "run", "train", "image", "model", "concurrency", "environment",
            "weights", "examples", "tests", "junk"]


@st.composite
def cog_yaml(draw: st.DrawFn, predict_ref: str = "predict.py:Predictor") -> str:
    """A cog.yaml: random keys and values of random types, nulls, unquoted numbers, garbage."""
    document: dict = {}
    for key in draw(st.lists(st.sampled_from(TOP_KEYS), max_size=5, unique=True)):
        if key == "build":
            document["build"] = draw(st.one_of(
                st.dictionaries(st.sampled_from(BUILD_KEYS), YAML_VALUES, max_size=6),
                YAML_VALUES))
        elif key == "concurrency":
            document[key] = draw(st.one_of(st.fixed_dictionaries({"max": YAML_VALUES}), YAML_VALUES))
        else:
            document[key] = draw(YAML_VALUES)
    if not draw(one_in(6)):
        document[draw(st.sampled_from(["predict", "predict", "run"]))] = draw(st.one_of(
            st.just(predict_ref), st.just(predict_ref), st.just(predict_ref), YAML_VALUES,
            st.sampled_from(["predict.py", "predict.py:", ":Predictor", "nope.py:Predictor",
                             "predict.py:Nope", "../predict.py:Predictor", "/etc/passwd.py:X",
                             "predict.py:Predictor:extra",
                             "predict.py :Predictor", "predict.py:Predictor "])))
    try:
        text = yaml.safe_dump(document, allow_unicode=draw(st.booleans()), sort_keys=False)
    except yaml.YAMLError:
        text = ""
    extra = draw(st.lists(st.sampled_from([
        "python_version: 3.10\n", "predict: predict.py:Predictor\n", "build:\n  gpu: yes\n",
        "build: {python_version: 3.1, gpu: 1}\n", "junk: !!binary aGVsbG8=\n", "weird: !!python/tuple [1]\n",
        "image: &a r8.im/x\nmodel: *a\n", "<<: {gpu: true}\n", "---\npredict: x.py:Y\n", "\t\n",
        "build:\n  python_packages:\n    - torch==2.0.1\n    - [nested]\n",
        "build:\n  run:\n    - command: 1\n",
        "build:\n  run:\n    - {command: echo, mounts: [{type: secret, id: x}]}\n",
        "environment:\n  - NAME=value\n  - bad\n", "concurrency:\n  max: 0\n", "train: 'train.py:train'\n",
        "build:\n  python_requirements: requirements.txt\n", "? [complex, key]\n: value\n",
        "date: 2001-12-14\n", "set: !!set {a, b}\n", "build:\n  cuda: 11.10\n", "{", "'unterminated\n",
    ]), max_size=3))
    return text + "".join(extra)


REQUIREMENT_LINES = [
    "torch==2.0.1", "numpy>=1.20,<2", "cog==0.9.0", "pydantic==1.10.0", "-e .", ".", "-r other.txt",
    "-r requirements.txt", "--extra-index-url https://download.pytorch.org/whl/cu118", "-f ./wheels",
    "git+https://github.com/x/y.git@main#egg=y", "https://example.com/x.whl", "pkg @ file:///tmp/x",
    "not a requirement!!", "name[extra]==1; python_version < '3.9'", "# comment", "line \\", "",
    "-c constraints.txt", "--requirement=missing.txt", "-r ../outside.txt", "\x00", "é==1",
]
REQUIREMENTS = st.lists(st.sampled_from(REQUIREMENT_LINES), max_size=8).map(lambda ls: "\n".join(ls) + "\n")


@st.composite
def plain_cog_yaml(draw: st.DrawFn, predict_ref: str = "predict.py:Predictor") -> str:
    """A valid cog.yaml of some era, with a few real options."""
    lines = []
    if draw(one_in(5)):  # the 2021 format
        lines += ["environment:", f"  python_version: \"{draw(st.sampled_from(['3.8', '3.10']))}\"",
                  "  architectures: [cpu]", f"model: \"{predict_ref}\""]
        return "\n".join(lines) + "\n"
    build = []
    if draw(st.booleans()):
        build.append(f"  gpu: {draw(st.sampled_from(['true', 'false', 'yes', '1']))}")
    if draw(st.booleans()):
        version = draw(st.sampled_from(["3.10", '"3.11"', "3.8", "'3.12'"]))
        build.append(f"  python_version: {version}")
    if draw(st.booleans()):
        build.append("  python_packages:")
        build += [f"    - \"{p}\"" for p in draw(st.lists(st.sampled_from(
            ["torch==2.0.1", "numpy", "cog==0.9.0", "pydantic==2.9.2", "pillow>=9"]), max_size=3))]
    if draw(one_in(4)):
        build.append("  system_packages: [ffmpeg]")
    if draw(one_in(4)):
        build.append("  python_requirements: requirements.txt")
    if build:
        lines += ["build:", *build]
    lines.append(f"{draw(st.sampled_from(['predict', 'predict', 'run']))}: \"{predict_ref}\"")
    if draw(one_in(5)):
        lines.append(f"concurrency:\n  max: {draw(st.integers(1, 64))}")
    if draw(one_in(5)):
        lines.append("image: \"r8.im/acme/model\"")
    return "\n".join(lines) + "\n"


ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "utf-8-sig", "shift_jis"]
LATIN = "# café, naïve, ½, ©\n"


@st.composite
def mutation(draw: st.DrawFn, files: dict[str, bytes]) -> tuple[dict[str, bytes], str]:
    """One damaging edit to a project: (the edited files, a description)."""
    files = dict(files)
    name = draw(st.sampled_from(sorted(files)))
    data = files[name]
    kind = draw(st.sampled_from(["truncate", "encoding", "nul", "crlf", "cr", "garbage", "bom",
                                 "delete", "wrong_type", "tabs", "dedent", "duplicate_line"]))
    if kind == "truncate":
        files[name] = data[: draw(st.integers(0, max(len(data) - 1, 0)))]
    elif kind == "encoding":
        text = data.decode("utf-8", errors="replace")
        encoding = draw(st.sampled_from(ENCODINGS))
        files[name] = (LATIN + text).encode(encoding, errors="replace")
        kind = f"encoding {encoding}"
    elif kind == "nul":
        at = draw(st.integers(0, len(data)))
        files[name] = data[:at] + b"\x00" * draw(st.integers(1, 3)) + data[at:]
    elif kind == "crlf":
        files[name] = data.replace(b"\n", b"\r\n")
    elif kind == "cr":
        files[name] = data.replace(b"\n", b"\r")
    elif kind == "garbage":
        at = draw(st.integers(0, len(data)))
        files[name] = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif kind == "bom":
        boms = [b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf" * 2]
        files[name] = draw(st.sampled_from(boms)) + data
    elif kind == "delete":
        del files[name]
    elif kind == "wrong_type":
        name = "cog.yaml"
        files[name] = draw(wrong_types(files.get(name, b"")))
    elif kind == "tabs":
        files[name] = data.replace(b"    ", b"\t", draw(st.integers(1, 3)))
    elif kind == "dedent":
        lines = data.split(b"\n")
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        lines[at] = lines[at].lstrip()
        files[name] = b"\n".join(lines)
    elif kind == "duplicate_line":
        lines = data.split(b"\n")
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        lines.insert(at, lines[at])
        files[name] = b"\n".join(lines)
    return files, f"{kind} {name}"


@st.composite
def wrong_types(draw: st.DrawFn, data: bytes) -> bytes:
    """cog.yaml with one value replaced by a value of another type (a list, a mapping, a number...)."""
    try:
        document = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        document = None
    if not isinstance(document, dict) or not document:
        return data
    paths = [(key,) for key in document]
    paths += [(key, sub) for key, value in document.items() if isinstance(value, dict) for sub in value]
    path = draw(st.sampled_from(paths))
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = draw(YAML_VALUES)
    try:
        return yaml.safe_dump(document, sort_keys=False).encode("utf-8")
    except yaml.YAMLError:
        return data


EXTRA_FILES = {
    "helpers/__init__.py": "",
    "helpers/text.py": "from cog import Path\n\n\ndef shout(text: str) -> str:\n    return text.upper()\n",
    "helpers/plain.py": "def add(a, b):\n    return a + b\n",
    "fal_app.py": "import fal\n\nclass Mine(fal.App):\n    pass\n",
    ".dockerignore": "*.ckpt\n!keep.ckpt\nweights/\n# comment\n",
    "weights/model.ckpt": b"\x00\x01binary",
    "data/words.txt": "alpha\nbeta\n",
    "empty.py": "",
    "broken_helper.py": "import cog\ndef nope(:\n",
    "latin_helper.py": "# caf\xe9\nimport cog\n".encode("latin-1"),
    "notes.md": "# Notes\n",
    "cog2fal_runtime.py": "X = 1\n",
    "MIGRATION.md": "mine\n",
}


@st.composite
def extra_files(draw: st.DrawFn) -> dict[str, str | bytes]:
    """Other files a project holds: helpers (with and without cog), data, a .dockerignore, and
    names the output uses too (fal_app.py, MIGRATION.md, cog2fal_runtime.py)."""
    names = draw(st.lists(st.sampled_from(sorted(EXTRA_FILES)), max_size=4, unique=True))
    return {name: EXTRA_FILES[name] for name in names}
