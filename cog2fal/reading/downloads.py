"""Where the model downloads weights or keeps caches, found statically.

A converted app keeps these on fal's persistent /data so that a runner's cold start does not
download them again. This module only finds them: cache folders named by module constants
(`MODEL_CACHE = "model-cache"`), `cache_dir=` / `local_dir=` arguments, cache variables
(`HF_HOME`, `TORCH_HOME`, ...) set in code or in cog.yaml, `pget` / `wget` / `curl` commands,
`urlretrieve`, `torch.hub`, Hugging Face downloads into the default cache, and `setup(weights)`.

Paths are folded from literals, module constants, a function's own simple assignments and the
arguments its callers pass in the same file (`download_weights(URL, MODEL_CACHE)` reaching a
`pget` call inside); anything else is reported as computed at run time, never guessed. The
user's code is parsed with `ast`, never imported or run.
"""

from __future__ import annotations

import ast
import functools
import posixpath
import re
import shlex
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cog2fal.project import DownloadKind, DownloadSite, Location, Project
from cog2fal.reading.folding import Folder, NotFoldable

# Variables that move a library's download cache.
CACHE_VARIABLES = (
    "HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE", "HF_DATASETS_CACHE",
    "DIFFUSERS_CACHE", "SENTENCE_TRANSFORMERS_HOME", "TORCH_HOME", "XDG_CACHE_HOME", "U2NET_HOME",
    "MODELSCOPE_CACHE",
)
HF_VARIABLES = ("HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "TRANSFORMERS_CACHE",
                "XDG_CACHE_HOME")
_CACHE_KEYWORDS = ("cache_dir", "local_dir", "download_root", "model_dir", "cache_folder",
                   "model_storage_directory")
_HF_CALLS = ("from_pretrained", "hf_hub_download", "snapshot_download")
_SUBPROCESS = {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
               "subprocess.Popen", "os.system", "os.popen"}
_SHELLS = ("bash", "sh")
_UNKNOWN = "\x00"  # stands for a part of a command computed at run time
_CONSTANT_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_CACHE_WORDS = re.compile(r"CACHE|WEIGHT|CKPT|CHECKPOINT")
_MODEL_FOLDER_WORDS = re.compile(r"MODEL.*(?:DIR|FOLDER|ROOT|PATH)|(?:DIR|FOLDER|ROOT|PATH).*MODEL")
_FILE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,12}$")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# Command options that take a value, per tool (so that the value is not taken for a URL or path).
_VALUE_OPTIONS = {
    "pget": {"-c", "--concurrency", "-m", "--chunk-size", "--max-chunks", "--max-conn-per-host",
             "--retries", "--connect-timeout", "--resolve", "--log-level", "--force-http2"},
    "wget": {"-o", "-a", "-t", "-T", "-U", "-e", "--header", "--user-agent", "--tries", "--timeout",
             "--user", "--password", "--output-file", "--append-output", "-w", "--wait"},
    "curl": {"-H", "-X", "-d", "-A", "-u", "-e", "-w", "-C", "-r", "-m", "-T", "--header",
             "--request", "--data", "--retry", "--connect-timeout", "--max-time", "--user",
             "--user-agent", "--retry-delay", "--retry-max-time", "--write-out"},
}
_OUTPUT_OPTIONS = {
    "pget": set(),
    "wget": {"-O", "-P", "--output-document", "--directory-prefix"},
    "curl": {"-o", "--output", "--output-dir"},
}


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 100 else line[:97] + "..."


class _PathFolder(Folder):
    """Constant folding that also joins paths: `os.path.join(A, "x")`, `Path(A) / "x"`, `str(p)`."""

    _JOIN = {"os.path.join", "path.join", "osp.join", "posixpath.join"}
    _PATH = {"Path", "pathlib.Path", "PosixPath", "pathlib.PosixPath", "cog.Path"}

    def __init__(self, constants: dict[str, str], imports: dict[str, str]):
        super().__init__(constants)
        self.imports = imports

    def _eval_Call(self, node: ast.Call, scope: dict[str, Any]) -> Any:
        name = _qualified(node.func, self.imports)
        if name in self._JOIN or name in self._PATH:
            parts = [self._eval(arg, scope) for arg in node.args]
            if node.keywords or not all(isinstance(p, str) for p in parts) or not parts:
                raise NotFoldable("path call not foldable")
            return posixpath.join(*parts)
        if name in ("os.path.dirname", "posixpath.dirname") and len(node.args) == 1:
            return posixpath.dirname(self._eval(node.args[0], scope))
        return super()._eval_Call(node, scope)

    def _eval_Attribute(self, node: ast.Attribute, scope: dict[str, Any]) -> Any:
        if node.attr in ("parent", "name"):
            value = self._eval(node.value, scope)
            if isinstance(value, str):
                trimmed = value.rstrip("/") or "/"
                return (posixpath.dirname(trimmed) or ".") if node.attr == "parent" else \
                    posixpath.basename(trimmed)
        return super()._eval_Attribute(node, scope)

    def _eval_BinOp(self, node: ast.BinOp, scope: dict[str, Any]) -> Any:
        if isinstance(node.op, ast.Div):
            left, right = self._eval(node.left, scope), self._eval(node.right, scope)
            if isinstance(left, str) and isinstance(right, str):
                return posixpath.join(left, right)
        return super()._eval_BinOp(node, scope)

    def _eval_JoinedStr(self, node: ast.JoinedStr, scope: dict[str, Any]) -> Any:
        return "".join(self._part(v, scope) for v in node.values)

    def _part(self, node: ast.expr, scope: dict[str, Any]) -> str:
        if isinstance(node, ast.Constant):
            return str(node.value)
        try:
            return str(self._eval(node, scope))
        except NotFoldable:
            if not self.partial:
                raise
            return _UNKNOWN

    partial = False


def _qualified(node: ast.expr, imports: dict[str, str]) -> str | None:
    """`sp.run` → "subprocess.run" through the file's imports; None for anything not dotted."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = imports.get(node.id, node.id)
    return ".".join([head, *reversed(parts)])


def _imports(tree: ast.Module) -> dict[str, str]:
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    names.setdefault(alias.name.split(".")[0], alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return names


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


@functools.lru_cache(maxsize=16)
def _encoded_lines(text: str) -> tuple[bytes, ...]:
    return tuple(line.encode("utf-8") for line in _LINE.findall(text))


def _source_segment(text: str, node: ast.AST) -> str | None:
    """`ast.get_source_segment`, with the file split into lines once: the standard one splits the
    whole file again, a character at a time, on every call (minutes for a file with a 3 MB line
    and a few dozen assignments)."""
    end_line, end_col = getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None)
    line, col = getattr(node, "lineno", None), getattr(node, "col_offset", None)
    if end_line is None or end_col is None or line is None or col is None:
        return None
    lines = _encoded_lines(text)
    if end_line > len(lines):
        return None
    if end_line == line:
        return lines[line - 1][col:end_col].decode("utf-8")
    return b"".join([lines[line - 1][col:], *lines[line:end_line - 1],
                     lines[end_line - 1][:end_col]]).decode("utf-8")


def _assignments(body: list[ast.stmt], text: str) -> dict[str, str]:
    """`NAME = expr` statements of a body (not nested blocks) as source text."""
    found: dict[str, str] = {}
    for statement in body:
        value = None
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            value, targets = statement.value, statement.targets
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            value, targets = statement.value, [statement.target]
        for target in targets:
            if isinstance(target, ast.Name) and value is not None:
                segment = _source_segment(text, value)
                if segment is not None:
                    found[target.id] = segment
    return found


@dataclass(frozen=True)
class _Remote:
    """A call in another file of the project, where a site of this file is reported."""

    display: str
    lineno: int
    code: str


class _FileScan:
    """The download sites of one file."""

    def __init__(self, display: str, text: str, tree: ast.Module):
        self.display, self.text, self.tree = display, text, tree
        self.imports = _imports(tree)
        self.constants = _assignments(tree.body, text)
        self.sites: list[DownloadSite] = []
        # Functions whose parameters decide a site and that no code of this file calls, and the
        # calls of them that other files make (filled in by `find_downloads`).
        self.unbound: dict[int, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.remote_callers: dict[int, list[tuple[ast.Call, dict[str, str], str, str]]] = {}
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.parents: dict[int, ast.AST] = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[id(child)] = node
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions.setdefault(node.name, node)

    # ------------------------------------------------------------------ folding

    def _enclosing(self, node: ast.AST) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        while id(node) in self.parents:
            node = self.parents[id(node)]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return node
        return None

    def _scopes(self, node: ast.AST) -> Iterator[tuple[dict[str, str], ast.AST | _Remote]]:
        """Constant sets to fold `node` with, and where to report it: the enclosing function's
        own assignments, and for each call of that function (in this file, or in another file
        of the project once `find_downloads` has found them there) its arguments."""
        function = self._enclosing(node)
        if function is None:
            yield self.constants, node
            return
        local = {**self.constants, **_assignments(function.body, self.text)}
        params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
        if not used & set(params):
            yield local, node
            return
        callers = [(call, constants, self.text, None) for call, constants in self._calls_of(function.name)]
        callers += self.remote_callers.get(id(function), [])
        if not callers:
            self.unbound[id(function)] = function
            yield local, node
            return
        offset = 1 if params[:1] in (["self"], ["cls"]) else 0
        defaults = dict(zip(reversed(params), reversed(function.args.defaults), strict=False))
        for call, caller_constants, text, display in callers:
            bound = dict(local)
            for name in params:
                bound.pop(name, None)
                if name in defaults:
                    segment = _source_segment(self.text, defaults[name])
                    if segment is not None:
                        bound[name] = segment
            for name, arg in zip(params[offset:], call.args, strict=False):
                segment = _source_segment(text, arg)
                if segment is not None and not isinstance(arg, ast.Starred):
                    bound[name] = f"({segment})"
            for keyword in call.keywords:
                segment = _source_segment(text, keyword.value)
                if keyword.arg in params and segment is not None:
                    bound[keyword.arg] = f"({segment})"
            # The caller's own constants fold the arguments; the callee's names fold the rest.
            for name, value in caller_constants.items():
                bound.setdefault(name, value)
            yield bound, (call if display is None else
                          _Remote(display, call.lineno, _source_segment(text, call) or ""))

    def callable_name(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
        """How other code calls `function`: a class's name for its `__init__`."""
        owner = self.parents.get(id(function))
        if function.name == "__init__" and isinstance(owner, ast.ClassDef):
            return owner.name
        return function.name

    def calls_named(self, name: str) -> Iterator[tuple[ast.Call, dict[str, str]]]:
        """Calls of `name` or `something.name` in this file, with the constants around each."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and (
                    isinstance(node.func, ast.Name) and node.func.id == name
                    or isinstance(node.func, ast.Attribute) and node.func.attr == name):
                caller = self._enclosing(node)
                yield node, ({**self.constants, **_assignments(caller.body, self.text)}
                             if caller is not None else self.constants)

    def _calls_of(self, name: str) -> Iterator[tuple[ast.Call, dict[str, str]]]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call) and (
                    isinstance(node.func, ast.Name) and node.func.id == name
                    or isinstance(node.func, ast.Attribute) and node.func.attr == name
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in ("self", "cls")):
                caller = self._enclosing(node)
                constants = {**self.constants, **_assignments(caller.body, self.text)} \
                    if caller is not None else self.constants
                yield node, constants

    def _fold(self, node: ast.expr, constants: dict[str, str], partial: bool = False) -> Any:
        folder = _PathFolder(constants, self.imports)
        folder.partial = partial
        segment = _source_segment(self.text, node)
        if segment is None:
            raise NotFoldable("no source")
        try:
            return folder.fold_source(segment)
        except RecursionError:
            raise NotFoldable("too deep") from None

    def _fold_str(self, node: ast.expr, constants: dict[str, str]) -> str | None:
        try:
            value = self._fold(node, constants)
        except NotFoldable:
            return None
        return value if isinstance(value, str) else None

    def _add(self, kind: DownloadKind, at: ast.AST | _Remote, target: str | None, *,
             variable: str | None = None, url: str | None = None, extract: bool = False,
             code: str | None = None) -> None:
        if isinstance(at, _Remote):
            where, segment = Location(at.display, at.lineno), at.code
        else:
            where = Location(self.display, getattr(at, "lineno", 1))
            segment = code if code is not None else _source_segment(self.text, at) or ""
        site = DownloadSite(kind, where, target, variable, url, extract, _short(segment))
        if site not in self.sites:
            self.sites.append(site)

    # ------------------------------------------------------------------ patterns

    def scan(self) -> list[DownloadSite]:
        self._folder_constants()
        pget_words = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self._call(node)
            elif isinstance(node, ast.Assign):
                self._environ_assignment(node)
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                    (node.value == "pget" or node.value.startswith("pget ")):
                pget_words.append(node)
        if pget_words and not any(s.kind in ("pget", "pget_manifest") for s in self.sites):
            # A pget command built in a way that does not fold (`["pget", "-vf" + x, url, dest]`
            # in a variable): pget is still needed; where it writes is not known.
            first = min(pget_words, key=lambda n: n.lineno)
            self._add("pget", first, None, code=self.text.splitlines()[first.lineno - 1].strip())
        return self.sites

    def _folder_constants(self) -> None:
        for statement in self.tree.body:
            if not isinstance(statement, (ast.Assign, ast.AnnAssign)):
                continue
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if not isinstance(target, ast.Name) or not _CONSTANT_NAME.match(target.id):
                    continue
                name = target.id
                named = (_CACHE_WORDS.search(name) or _MODEL_FOLDER_WORDS.search(name)) and \
                    not name.endswith(("_ID", "_NAME", "_REPO", "_URL", "_URLS"))
                if not named and not isinstance(statement.value, ast.Dict):
                    continue
                try:
                    value = self._fold(statement.value, self.constants)
                except NotFoldable:
                    continue
                self._folder_value(value, statement)

    def _folder_value(self, value: Any, statement: ast.stmt) -> None:
        """A constant naming a cache folder, or a dict of them (`{"WEIGHTS_DIR": "/src/w"}`)."""
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and _CACHE_WORDS.search(key.upper()) and \
                        not key.upper().endswith(("_URL", "_ID", "_NAME", "_REPO")):
                    self._folder_value(item, statement)
            return
        if not isinstance(value, str) or not value or _URL.match(value) or \
                any(c.isspace() for c in value) or value in (".", "./"):
            return
        folder = posixpath.dirname(value.rstrip("/")) if _FILE_SUFFIX.search(value) else value
        if folder and folder not in (".", "/"):
            site = DownloadSite("folder_constant", Location(self.display, statement.lineno),
                                posixpath.normpath(folder), code=_short(
                                    _source_segment(self.text, statement) or ""))
            if site not in self.sites:
                self.sites.append(site)

    def _call(self, call: ast.Call) -> None:
        name = _qualified(call.func, self.imports) or ""
        attr = call.func.attr if isinstance(call.func, ast.Attribute) else \
            call.func.id if isinstance(call.func, ast.Name) else ""
        if name in _SUBPROCESS:
            self._command(call)
            return
        if name.endswith(("os.environ.setdefault", "os.putenv")) and len(call.args) >= 2:
            self._environ(call.args[0], call.args[1], call)
            return
        if name.endswith("os.environ.update"):
            for keyword in call.keywords:
                if keyword.arg in CACHE_VARIABLES:
                    self._environ(ast.Constant(keyword.arg), keyword.value, call)
            if call.args and isinstance(call.args[0], ast.Dict):
                for key, value in zip(call.args[0].keys, call.args[0].values, strict=True):
                    if key is not None:
                        self._environ(key, value, call)
            return
        cache_keyword = next((k for k in call.keywords if k.arg in _CACHE_KEYWORDS), None)
        if cache_keyword is not None and (attr in _HF_CALLS or attr in ("load_model", "load",
                                                                         "load_state_dict_from_url",
                                                                         "download", "pipeline")
                                          or "." in name or cache_keyword.arg != "model_dir"):
            for constants, at in self._scopes(call):
                target = self._fold_str(cache_keyword.value, constants)
                if target is not None and _URL.match(target):
                    continue
                self._add("cache_argument", at, target)
            return
        if attr in _HF_CALLS or name in ("transformers.pipeline",):
            self._huggingface(call, attr)
        elif name in ("torch.hub.load", "torch.hub.load_state_dict_from_url",
                      "torch.utils.model_zoo.load_url"):
            self._add("torch_hub", call, None, variable="TORCH_HOME")
        elif name.endswith(("urlretrieve", "download_url_to_file")) and len(call.args) >= 2:
            for constants, at in self._scopes(call):
                target = self._fold_str(call.args[1], constants)
                url = self._fold_str(call.args[0], constants)
                self._add("urlretrieve", at, target, url=url)

    def _huggingface(self, call: ast.Call, attr: str) -> None:
        """A Hugging Face download into the default cache (`cache_dir=` is handled before)."""
        first = call.args[0] if call.args else next(
            (k.value for k in call.keywords
             if k.arg in ("pretrained_model_name_or_path", "repo_id", "model")),
            None)
        if first is not None:
            value = self._fold_str(first, self.constants)
            if value is not None and (value.startswith(("/", "./", "../")) or _FILE_SUFFIX.search(value)
                                      or "/" not in value and attr != "from_pretrained"):
                return  # a local folder or file, not a Hub repository
        self._add("huggingface", call, None, variable="HF_HOME")

    def _environ_assignment(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Subscript) and \
                    (_qualified(target.value, self.imports) or "").endswith("os.environ"):
                self._environ(target.slice, node.value, node)

    def _environ(self, key: ast.expr, value: ast.expr, at: ast.AST) -> None:
        variable = self._fold_str(key, self.constants)
        if variable not in CACHE_VARIABLES:
            return
        for constants, where in self._scopes(at):
            self._add("cache_variable", where, self._fold_str(value, constants), variable=variable,
                      )

    # ------------------------------------------------------------------ commands

    def _command(self, call: ast.Call) -> None:
        if not call.args:
            return
        first = call.args[0]
        for constants, at in self._scopes(call):
            argv: list[str] | None
            if isinstance(first, (ast.List, ast.Tuple)):
                argv = [self._argument(e, constants) for e in first.elts]
                commands = [argv]
            else:
                try:
                    text = self._fold(first, constants, partial=True)
                except NotFoldable:
                    continue
                if isinstance(text, (list, tuple)):
                    commands = [[str(t) for t in text]]
                elif isinstance(text, str):
                    commands = _split_shell(text)
                else:
                    continue
            for argv in commands:
                self._tool(argv, at, call)

    def _argument(self, node: ast.expr, constants: dict[str, str]) -> str:
        try:
            value = self._fold(node, constants, partial=True)
        except NotFoldable:
            return _UNKNOWN
        return value if isinstance(value, str) else str(value)

    def _tool(self, argv: list[str], at: ast.AST, call: ast.Call) -> None:
        if len(argv) >= 3 and posixpath.basename(argv[0]) in _SHELLS and argv[1] == "-c":
            for inner in _split_shell(argv[2]):
                self._tool(inner, at, call)
            return
        tool = posixpath.basename(argv[0]) if argv else ""
        if tool not in _VALUE_OPTIONS:
            return
        options, positional = _options(argv[1:], _VALUE_OPTIONS[tool] | _OUTPUT_OPTIONS[tool])
        known = lambda s: s if s is not None and _UNKNOWN not in s else None  # noqa: E731
        if tool == "pget":
            if positional[:1] == ["multifile"]:
                manifest = positional[1] if len(positional) > 1 else None
                self._add("pget_manifest", at, known(manifest))
                return
            url = positional[0] if positional else None
            dest = positional[1] if len(positional) > 1 else (posixpath.basename(url) if url else None)
            extract = "--extract" in options or any(
                o.startswith("-") and not o.startswith("--") and "x" in o for o in options)
            self._add("pget", at, known(dest), url=known(url), extract=extract)
        elif tool == "wget":
            url = positional[0] if positional else None
            target = options.get("-O") or options.get("--output-document")
            prefix = options.get("-P") or options.get("--directory-prefix")
            if target is None and url is not None:
                name = posixpath.basename(url.split("?")[0]) or None
                target = posixpath.join(prefix, name) if prefix and name else name
            self._add("wget", at, known(target), url=known(url))
        elif tool == "curl":
            url = next((p for p in positional if _URL.match(p)), positional[0] if positional else None)
            target = options.get("-o") or options.get("--output")
            if target is None and ("-O" in options or "--remote-name" in options) and url:
                target = posixpath.basename(url.split("?")[0])
                if options.get("--output-dir"):
                    target = posixpath.join(options["--output-dir"], target)
            if target is None:
                return  # curl without -o / -O writes to stdout: nothing is kept
            self._add("curl", at, known(target), url=known(url))


def _options(args: list[str], takes_value: set[str]) -> tuple[dict[str, str], list[str]]:
    options: dict[str, str] = {}
    positional: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg.startswith("--") and "=" in arg:
            key, _, value = arg.partition("=")
            options[key] = value
        elif arg in takes_value:
            options[arg] = args[index + 1] if index + 1 < len(args) else ""
            index += 1
        elif arg.startswith("-") and len(arg) > 1 and _UNKNOWN not in arg:
            options[arg] = ""
        else:
            positional.append(arg)
        index += 1
    return options, positional


def _split_shell(text: str) -> list[list[str]]:
    """A shell command line → its simple commands (split at `&&`, `||`, `;`, `|`)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    commands: list[list[str]] = [[]]
    try:
        for token in lexer:
            if token and set(token) <= set(";&|"):
                commands.append([])
            else:
                commands[-1].append(token)
    except ValueError:
        return []
    return [c for c in commands if c]


def _parse(text: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _scan_all(files: dict[str, str]) -> list[DownloadSite]:
    """The sites of several files: a helper whose parameters decide a site (`def download(url,
    dest)` in `utils.py`) is folded again with the arguments other files call it with."""
    scans = []
    for display, text in files.items():
        tree = _parse(text)
        if tree is not None:
            scans.append(_FileScan(display, text, tree))
    sites: list[DownloadSite] = []
    for scan in scans:
        try:
            scan.scan()
        except RecursionError:
            scan.sites = []
    for scan in scans:
        for key, function in list(scan.unbound.items()):
            name = scan.callable_name(function)
            remote = [(call, constants, other.text, other.display) for other in scans if other is not scan
                      for call, constants in other.calls_named(name)]
            if not remote:
                continue
            scan.remote_callers[key] = remote
            body = range(function.lineno, (function.end_lineno or function.lineno) + 1)
            scan.sites = [s for s in scan.sites if not (s.target is None and s.location.line in body)]
        if scan.remote_callers:
            try:
                scan.scan()
            except RecursionError:
                pass
        sites.extend(scan.sites)
    return list(dict.fromkeys(sites))  # a helper's site reported at its caller may repeat it


def scan_file(display: str, text: str) -> list[DownloadSite]:
    """The download sites of one Python file (none when Python cannot parse it)."""
    return _scan_all({display: text})


def find_downloads(root: Path, files: list[str], project: Project) -> list[DownloadSite]:
    """Every download site of the project's Python files, cog.yaml's cache variables and
    `setup(weights)`, in file and line order."""
    sites: list[DownloadSite] = []
    config = project.config
    for variable, value in config.environment.items():
        if variable in CACHE_VARIABLES:
            where = Location(config.path, config.line_of("environment") or 1)
            sites.append(DownloadSite("cache_variable", where, value, variable, code=f"{variable}={value}"))
    texts: dict[str, str] = {}
    for relative in files:
        if not relative.endswith(".py"):
            continue
        try:
            texts[relative] = (root / relative).read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
    sites.extend(_scan_all(texts))
    for entry in (project.predictor, project.trainer):
        if entry is not None and entry.setup_weights and entry.location is not None:
            sites.append(DownloadSite("setup_weights", entry.location, None, "COG_WEIGHTS",
                                      code=f"setup(self, {entry.setup_weights})"))
    return sorted(sites, key=lambda s: (s.location.file != config.path, s.location.file,
                                        s.location.line, s.kind))
