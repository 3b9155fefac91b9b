"""Stand-ins for the parts of Cog's runtime that a converted model still uses.

Shipped next to the model code by cog2fal. The model code imports its Cog names from here
(`Secret`, `current_scope`, `BaseModel`, ...), and the fal app uses the serving helpers below to
load the predictor, turn request values into what `predict()` expects (downloaded files, open
files, secrets) and turn its results into JSON with uploaded files. Standard library and
pydantic only: it runs on the fal runner, never on the machine that deploys.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import dataclasses
import enum
import importlib.util
import io
import mimetypes
import os
import shutil
import sys
import tempfile
import types
import urllib.parse
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import IO, Any, Union, get_args, get_origin

import pydantic

__all__ = [
    "AsyncConcatenateIterator", "BaseModel", "BasePredictor", "BaseRunner",
    "CancelationException", "ConcatenateIterator", "ExperimentalFeatureWarning", "File", "Image",
    "Input", "Path", "Secret", "URLFile", "URLPath", "Weights", "current_scope", "emit_metric",
    "encode_output", "load_predictor", "prepared_inputs", "request_scope", "weights_from_env",
]

# ----------------------------------------------------------------------------- model-side names

ConcatenateIterator = Iterator
AsyncConcatenateIterator = AsyncIterator
File = IO
URLFile = IO
# Cog's path-like types: files arrive downloaded, as paths.
Image = Weights = URLPath = Path
__version__ = "cog2fal"


class ExperimentalFeatureWarning(Warning):
    """Cog warned with this about experimental features; kept so imports and filters work."""


class BasePredictor:
    """Cog's base class: a no-op `setup()`, and Cog 0.23's `record_metric` / `scope` helpers,
    for classes that call `super().setup()` or record metrics through `self`."""

    def setup(self, weights: Any = None) -> None:
        return None

    def record_metric(self, name: str, value: Any, mode: str = "replace") -> None:
        current_scope().record_metric(name, value, mode)

    @property
    def scope(self) -> _Scope:
        return current_scope()


BaseRunner = BasePredictor


class CancelationException(BaseException):
    """Raised by Cog when a prediction was cancelled; fal cancels by stopping the request."""


def Input(default: Any = None, **_: Any) -> Any:  # noqa: N802 - Cog's spelling
    """Cog's `Input(...)` outside a signature (shared descriptors): only the default matters."""
    return default


def input(*_: Any, **__: Any) -> Callable[[Any], Any]:  # noqa: A001 - Cog 0.0.x decorator
    return lambda func: func


class Secret:
    """Cog's `Secret`: the value is only readable through `get_secret_value()`."""

    def __init__(self, secret_value: str | None = None):
        self._value = secret_value

    def get_secret_value(self) -> str | None:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')" if self._value else "Secret('')"

    __str__ = __repr__


class BaseModel(pydantic.BaseModel):
    """`cog.BaseModel` as Cog ≤ 0.16 had it: pydantic, any field type, Optional means default None."""

    model_config = pydantic.ConfigDict(arbitrary_types_allowed=True, protected_namespaces=())

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        changed = False
        for field in cls.model_fields.values():
            optional = get_origin(field.annotation) in (Union, types.UnionType) and \
                type(None) in get_args(field.annotation)
            if field.is_required() and optional:
                field.default = None
                changed = True
        if changed:
            cls.model_rebuild(force=True)


# ----------------------------------------------------------------------------- metrics


class _Scope:
    """What `cog.current_scope()` returns: metrics recorded during one prediction."""

    def __init__(self) -> None:
        self.metrics: dict[str, Any] = {}

    def record_metric(self, name: str, value: Any, mode: str = "replace") -> None:
        if mode == "incr":
            self.metrics[name] = self.metrics.get(name, 0) + value
        elif mode == "append":
            self.metrics.setdefault(name, []).append(value)
        else:
            self.metrics[name] = value


_current_scope: contextvars.ContextVar[_Scope] = contextvars.ContextVar("cog2fal_scope")


def current_scope() -> _Scope:
    try:
        return _current_scope.get()
    except LookupError:  # outside a request (setup, warm-up): metrics go nowhere, as in Cog
        return _Scope()


def emit_metric(name: str, value: Any) -> None:
    current_scope().record_metric(name, value)


@contextlib.contextmanager
def request_scope() -> Iterator[_Scope]:
    scope = _Scope()
    token = _current_scope.set(scope)
    try:
        yield scope
    finally:
        _current_scope.reset(token)


# ----------------------------------------------------------------------------- loading


def load_predictor(file: str, name: str, *, environment: dict[str, str] | None = None,
                   root: str | None = None, instantiate: bool = True) -> Any:
    """Imports the model's file as Cog did (by path, not by name) from the folder Cog called /src."""
    base = Path(root) if root else Path(__file__).resolve().parent
    for variable, value in (environment or {}).items():
        if (value == "/src" or value.startswith("/src/")) and base != Path("/src"):
            value = str(base) + value[len("/src"):]  # Cog's code folder is this folder here
        os.environ.setdefault(variable, value)  # the runner's own variables (secrets) win, as in Docker
    os.chdir(base)
    if str(base) not in sys.path:
        sys.path.insert(0, str(base))
    module_name = Path(file).stem
    module = sys.modules.get(module_name)
    if module is None or getattr(module, "__file__", None) != str(base / file):
        spec = importlib.util.spec_from_file_location(module_name, base / file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    target = getattr(module, name)
    return target() if instantiate and isinstance(target, type) else target


def weights_from_env(download: Callable[[str, Path], Path] | None = None) -> Path | None:
    """`COG_WEIGHTS` as Cog's `setup(weights)` got it: a URL is fetched, a path is used as is."""
    value = os.environ.get("COG_WEIGHTS")
    if not value:  # as current Cog (≥ 0.17): no variable, no weights
        return None
    if value.startswith(("http://", "https://", "data:")):
        return _fetch(value, Path(tempfile.mkdtemp(prefix="cog-weights-")), download)
    return Path(value)


# ----------------------------------------------------------------------------- inputs


def _file_name(url: str, content_type: str | None = None) -> str:
    """The name Cog gives a downloaded input: the URL's basename, or file.<ext> for data URLs."""
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme == "data":
        extension = mimetypes.guess_extension(content_type or "") or ""
        return "file" + extension
    name = urllib.parse.unquote_plus(os.path.basename(parsed.path)) or "file"
    return name if len(name) <= 200 else name[:100] + "~" + name[-100:]


def _decode_data_url(url: str) -> tuple[bytes, str]:
    header, _, payload = url.partition(",")
    parts = header[len("data:"):].split(";")
    content_type = parts[0] or "text/plain"
    if "base64" in parts[1:]:
        return base64.b64decode(payload), content_type
    return urllib.parse.unquote_to_bytes(payload), content_type


def _fetch(url: str, folder: Path, download: Callable[[str, Path], Path] | None) -> Path:
    if url.startswith("data:"):
        data, content_type = _decode_data_url(url)
        target = folder / _file_name(url, content_type)
        target.write_bytes(data)
        return target
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{url[:50]!r} is not an http(s) or data: URL")
    if download is None:
        raise ValueError("no downloader available for http(s) URLs")
    fetched = Path(download(url, folder))
    wanted = folder / _file_name(url)
    if fetched != wanted and not wanted.exists():
        fetched = Path(shutil.move(str(fetched), wanted))
    return fetched


@contextlib.contextmanager
def prepared_inputs(values: dict[str, Any], files: dict[str, str],
                    download: Callable[[str, Path], Path] | None = None,
                    omit_if_none: tuple[str, ...] | list[str] = ()) -> Iterator[dict[str, Any]]:
    """Request values → `predict()` arguments; files live until the block ends, as under Cog.

    `files` maps input names to "path" (a downloaded `Path`), "file" (an open binary file) or
    "secret". Inputs named in `omit_if_none` are not passed when None, so that the default the
    model code computes applies.
    """
    folder = Path(tempfile.mkdtemp(prefix="cog-inputs-"))
    opened: list[IO[bytes]] = []
    try:
        kwargs: dict[str, Any] = {}
        for name, value in values.items():
            if value is None and name in omit_if_none:
                continue
            kind = files.get(name)
            if kind is None or value is None:
                kwargs[name] = value
            elif kind == "secret":
                kwargs[name] = Secret(value.get_secret_value() if hasattr(value, "get_secret_value")
                                      else value)
            else:
                kwargs[name] = _convert_file(value, kind, folder, download, opened)
        yield kwargs
    finally:
        for handle in opened:
            handle.close()
        shutil.rmtree(folder, ignore_errors=True)


def _convert_file(value: Any, kind: str, folder: Path, download: Any, opened: list) -> Any:
    if isinstance(value, list):
        return [_convert_file(item, kind, folder, download, opened) for item in value]
    target = folder / f"{len(list(folder.iterdir())):03d}"
    target.mkdir()
    path = _fetch(str(value), target, download)
    if kind == "file":
        handle = path.open("rb")
        opened.append(handle)
        return handle
    return path


# ----------------------------------------------------------------------------- outputs


def encode_output(value: Any, upload: Callable[[Path], Any]) -> Any:
    """A predictor's result → JSON-ready data, with every file handed to `upload`."""
    if isinstance(value, (str, bool, int, float)) or value is None:
        return value
    if isinstance(value, os.PathLike):
        return upload(Path(os.fspath(value)))
    if isinstance(value, io.IOBase) and hasattr(value, "name"):
        return upload(Path(value.name))
    if isinstance(value, pydantic.BaseModel):
        return {name: encode_output(getattr(value, name), upload) for name in type(value).model_fields}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode_output(getattr(value, f.name), upload) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): encode_output(v, upload) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [encode_output(item, upload) for item in value]
    if isinstance(value, enum.Enum):
        return encode_output(value.value, upload)
    if hasattr(value, "tolist"):  # numpy arrays and scalars, torch tensors
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "save") and hasattr(value, "format"):  # a PIL image returned for a Path
        folder = Path(tempfile.mkdtemp(prefix="cog-output-"))
        path = folder / f"output.{(value.format or 'png').lower()}"
        value.save(path)
        return upload(path)
    return value

