"""The typed model of a Cog project that reading produces and writing consumes.

Everything here is plain data: no libcst nodes, no YAML nodes, so the writers can be tested
from hand-built models and the model can be dumped as JSON by `inspect`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from cog2fal.codes import Code, Severity


class _Missing:
    """Marks a field without a default (required), distinct from a default of None."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Location:
    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass
class Finding:
    """Something the user must look at: a TODO left in code, a reported setting, a guess."""

    code: Code  # its severity comes with it: one code, one severity (cog2fal/codes.py)
    message: str
    location: Location | None = None
    severity: Severity = field(init=False)

    def __post_init__(self) -> None:
        if self.code.severity is None:
            raise ValueError(f"{self.code} is a rule ID, not a finding code")
        self.severity = self.code.severity
        # One line always: messages quote source code, which may span lines.
        self.message = " ".join(self.message.split())

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        return f"{where}{self.message}"


# --------------------------------------------------------------------------- cog.yaml


@dataclass
class RunCommand:
    command: str
    mounts: list[dict[str, str]] = field(default_factory=list)


@dataclass
class CogConfig:
    """cog.yaml of any era, normalised; `lines` maps dotted keys to their line for messages."""

    path: str = "cog.yaml"
    gpu: bool = False
    python_version: str | None = None
    python_packages: list[str] = field(default_factory=list)
    python_requirements: str | None = None
    system_packages: list[str] = field(default_factory=list)
    run: list[RunCommand] = field(default_factory=list)
    pre_install: list[str] = field(default_factory=list)
    cuda: str | None = None
    cudnn: str | None = None
    predict: str | None = None
    train: str | None = None
    image: str | None = None
    model: str | None = None
    concurrency_max: int | None = None
    environment: dict[str, str] = field(default_factory=dict)
    sdk_version: str | None = None
    weights: list[Any] = field(default_factory=list)
    legacy_format: bool = False  # 2021 `model:` + `environment:` mapping
    ignored_keys: list[str] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # how a value was read, for the report
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key)


# --------------------------------------------------------------------------- predictor

TypeKind = Literal[
    "str", "int", "float", "bool", "path", "file", "secret", "any", "dict", "none",
    "list", "optional", "union", "iterator", "concatenate", "model", "unknown",
]


@dataclass(frozen=True)
class TypeRef:
    """A resolved annotation. `args` holds element types; `name` the model class or source text."""

    kind: TypeKind
    args: tuple[TypeRef, ...] = ()
    name: str | None = None
    is_async: bool = False  # for iterators

    @property
    def inner(self) -> TypeRef:
        return self.args[0] if self.args else TypeRef("any")

    def is_file_like(self) -> bool:
        if self.kind in ("path", "file"):
            return True
        return any(arg.is_file_like() for arg in self.args)

    def model_names(self) -> list[str]:
        """The output model classes this type mentions, outermost first."""
        names = [self.name] if self.kind == "model" and self.name else []
        for arg in self.args:
            names.extend(arg.model_names())
        return names

    def describe(self) -> str:
        if self.kind in ("list", "optional", "iterator", "concatenate", "union"):
            inner = ", ".join(a.describe() for a in self.args)
            prefix = "Async" if self.is_async else ""
            label = {"list": "List", "optional": "Optional", "iterator": f"{prefix}Iterator",
                     "concatenate": f"{prefix}ConcatenateIterator", "union": "Union"}[self.kind]
            return f"{label}[{inner}]"
        if self.kind == "model":
            return self.name or "BaseModel"
        if self.kind == "unknown":
            return self.name or "?"
        return {"path": "Path", "file": "File", "secret": "Secret", "any": "Any",
                "none": "None"}.get(self.kind, self.kind)


@dataclass
class InputField:
    name: str
    type: TypeRef
    default: Any = MISSING
    default_source: str | None = None  # source text when the default is not a literal
    default_factory: str | None = None  # `Input(default_factory=f)`: source text of `f`
    description: str | None = None
    ge: float | int | None = None
    le: float | int | None = None
    min_length: int | None = None
    max_length: int | None = None
    regex: str | None = None
    choices: list[Any] | None = None
    deprecated: bool | None = None
    optional_by_none_default: bool = False  # `Input(default=None)` on a non-Optional type
    location: Location | None = None
    # `Inputs.num_steps_with`: the helper of the same file whose returned `Input(...)` was folded
    declared_by: str | None = None

    @property
    def required(self) -> bool:
        return self.default is MISSING and not self.optional_by_none_default and not self.default_source


@dataclass
class ModelField:
    name: str
    type: TypeRef
    has_default: bool = False
    default_source: str | None = None


@dataclass
class OutputModel:
    """A `BaseModel` subclass used as output, with its fields in declaration order."""

    name: str
    fields: list[ModelField] = field(default_factory=list)
    location: Location | None = None


@dataclass
class Entrypoint:
    """A predictor or trainer: the class or function cog.yaml points at."""

    role: Literal["predict", "train"]
    file: str  # relative to the project root, POSIX
    name: str
    kind: Literal["class", "function"]
    method: str  # predict / run / train / the function's own name
    method_owner: str | None = None  # the class that defines the method (may be a base class)
    api: Literal["current", "legacy", "function"] = "current"
    is_async: bool = False
    is_generator: bool = False
    inputs: list[InputField] = field(default_factory=list)
    output: TypeRef = field(default_factory=lambda: TypeRef("any"))
    output_models: dict[str, OutputModel] = field(default_factory=dict)
    has_setup: bool = False
    setup_is_async: bool = False
    setup_weights: str | None = None  # name of the weights parameter of setup(), if any
    uses_metrics: bool = False
    location: Location | None = None

    @property
    def streams(self) -> bool:
        return self.output.kind in ("iterator", "concatenate")

    @property
    def module_name(self) -> str:
        return self.file.rsplit("/", 1)[-1].removesuffix(".py")


# --------------------------------------------------------------------------- downloads

DownloadKind = Literal[
    "folder_constant", "cache_argument", "cache_variable", "pget", "pget_manifest", "wget", "curl",
    "urlretrieve", "torch_hub", "huggingface", "setup_weights",
]


@dataclass(frozen=True)
class DownloadSite:
    """A place where the model downloads weights or keeps a cache, found without running it.

    `target` is the folder or file as the code names it, folded from literals and module
    constants; None when it is computed at run time (reported, never guessed). `variable` names
    the environment variable that decides the folder (HF_HOME, TORCH_HOME) when there is one.
    """

    kind: DownloadKind
    location: Location
    target: str | None = None
    variable: str | None = None
    url: str | None = None
    extract: bool = False  # `pget -x`: the target is a folder the archive is unpacked into
    code: str = ""  # the source text, shortened, for the report

    @property
    def folder(self) -> str | None:
        """The folder whose content the site writes (a file target's parent folder)."""
        if self.target is None or self.kind == "pget_manifest":
            return None
        if self.kind in ("folder_constant", "cache_argument", "cache_variable") or self.extract:
            return self.target.rstrip("/") or "/"
        head = self.target.rsplit("/", 1)[0] if "/" in self.target.rstrip("/") else "."
        return head or "/"


@dataclass
class Project:
    root: str
    config: CogConfig
    predictor: Entrypoint
    trainer: Entrypoint | None = None
    findings: list[Finding] = field(default_factory=list)
    downloads: list[DownloadSite] = field(default_factory=list)
