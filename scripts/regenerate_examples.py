"""Regenerate every converted example and the docs made from real command output.

    /work/venvs/dev/bin/python scripts/regenerate_examples.py           # rewrite the files
    /work/venvs/dev/bin/python scripts/regenerate_examples.py --check   # exit 1 if any is stale

What it writes (nothing else):

- `examples/<name>/fal/` for every `examples/<name>/cog/`: the output of
  `cog2fal convert examples/<name>/cog --out examples/<name>/fal` (default `--mode auto`), run
  for real in a scratch copy of the examples, so the committed folder is byte for byte what a
  user gets;
- `docs/walkthroughs/<name>.md` from `docs/walkthroughs/_templates/<name>.md`: the templates hold
  the prose, and `{{ directive ... }}` placeholders are replaced by quotes of the real files,
  the real command output and real `diff -u` output (directives: see `Walkthrough`);
- `docs/cli.md` from the real `cog2fal <command> --help` outputs (COLUMNS=100);
- the generated sections of `docs/mapping.md` (between `<!-- generated: X -->` and
  `<!-- end generated -->`): the rewrite rules from their registry, and the finding codes read
  from cog2fal's source with `ast`, each with the one-line meaning kept in `FINDING_MEANINGS` below.

tests/test_examples.py runs `generate()` and fails on any byte difference.
The cog2fal that runs is the one of this checkout (PYTHONPATH), whatever venv is used.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
WALKTHROUGHS = ROOT / "docs" / "walkthroughs"
TEMPLATES = WALKTHROUGHS / "_templates"
MAPPING = ROOT / "docs" / "mapping.md"
CLI_DOC = ROOT / "docs" / "cli.md"
COMMANDS = ["convert", "inspect", "dockerfile", "verify"]
CODE_RE = re.compile(r"^C2F\d{3}$")
RERUN = "/work/venvs/dev/bin/python scripts/regenerate_examples.py"

# One line per finding code: what it means for the user. The code, its severity, where it is
# raised and its message are read from the source; a code without a meaning here fails the
# script (and tests/test_examples.py), so new codes get documented.
FINDING_MEANINGS = {
    "C2F001": "`build.python_version` is not an app option: fal runs the interpreter version of the "
              "machine that runs `fal deploy`",
    "C2F002": "the 2021 cog.yaml format (`model:` + `environment:`) was read",
    "C2F003": "a cog.yaml key with no fal equivalent was ignored",
    "C2F004": "Cog-managed `weights:` are not converted: download them in `setup()`",
    "C2F005": "the `model:` registry name is ignored",
    "C2F006": "cog.yaml `environment` is applied on the runner before the model code is imported",
    "C2F007": "`concurrency.max` became `max_multiplexing`",
    "C2F008": "the model records metrics; they are collected per request, `--billing-metric` bills by one",
    "C2F010": "an editable install (`-e`) in the requirements was dropped: the code ships as files",
    "C2F011": "`cog` / `coglet` removed from the requirements",
    "C2F012": "a `pydantic` / `fastapi` pin removed: fal installs the versions its SDK needs",
    "C2F020": "`train:` names a file that is not in the project: no `/train` endpoint",
    "C2F030": "a file over 100 MB is uploaded with every deploy",
    "C2F031": "a Python file cog2fal cannot parse is shipped unchanged (its Cog imports too)",
    "C2F032": "`sys.path` gets a folder above the Cog project, which is not shipped",
    "C2F033": "app mode: `sys.path` gets an absolute folder only a build step creates (a clone)",
    "C2F040": "container mode: the project's own `requirements.txt` is replaced by the regenerated one",
    "C2F041": "`build.run` uses build secrets: supply them when fal builds the image",
    "C2F205": "an import of a Cog name with no stand-in in cog2fal_runtime: replace it",
    "C2F042": "container mode: how the Dockerfile was made, and how many lines changed",
    "C2F043": "app mode: `system_packages`, `build.run` or `pre_install` not reproduced",
    "C2F044": "app mode: an `environment` value under Cog's /src, set relative to the app's folder instead",
    "C2F101": "an input without a type annotation (or a typed default) is published as a string",
    "C2F102": "an unknown `@cog.input` option was ignored",
    "C2F103": "`default_factory`: the input is published optional; the factory runs in the model code",
    "C2F104": "`Input(accept=...)` has no fal equivalent and was dropped",
    "C2F105": "a default computed at run time: the input is published optional, the code keeps its default",
    "C2F106": "`choices` cog2fal cannot compute statically (or not str/int): published without an enum",
    "C2F107": "another `Input()` keyword cog2fal cannot compute statically: published without it",
    "C2F108": "an input type cog2fal does not know: published as `Any`",
    "C2F109": "an input annotated with `pathlib.Path` is treated as Cog's file `Path`",
    "C2F110": "a class with both `predict()` and `run()`: `predict()` is served",
    "C2F111": "`setup(weights)` gets the `COG_WEIGHTS` environment variable on the runner, as under Cog",
    "C2F112": "`predict()` without a return annotation: the output is published as any JSON value",
    "C2F113": "an output type cog2fal does not know: published as any JSON value",
}


# --------------------------------------------------------------------------- running commands


@dataclass
class Run:
    argv: list[str]  # as shown in the docs: starts with "cog2fal"
    stdout: str
    stderr: str
    returncode: int

    def console(self) -> str:
        """The command and what it printed, as a terminal shows it (trailing spaces removed)."""
        text = (self.stdout + self.stderr).rstrip("\n")
        lines = [f"$ {shlex.join(self.argv)}", *(line.rstrip() for line in text.splitlines())]
        if self.returncode:
            lines.append(f"(exit code {self.returncode})")
        return "\n".join(lines)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
    env.update(PYTHONPATH=str(ROOT), COLUMNS="100", LINES="50", NO_COLOR="1", TERM="dumb",
               PYTHONDONTWRITEBYTECODE="1", PYTHONHASHSEED="0")
    return env


# Runs `cog2fal.cli.main` once per command line, in one fresh process (starting Python, typer and
# libcst once instead of once per command keeps the test fast), in the given folder, with
# standard output and error captured separately for each command.
_DRIVER = r"""
import contextlib, io, json, os, sys
from cog2fal.cli import main
results = []
for args in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    sys.argv = ["cog2fal", *args]
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    results.append({"stdout": out.getvalue(), "stderr": err.getvalue(), "code": code})
sys.stdout.write(json.dumps(results))
"""


def cog2fal(commands: list[list[str]], cwd: Path) -> list[Run]:
    """`cog2fal ARGS...` for each command line, run from `cwd`; what each printed and returned."""
    done = subprocess.run([sys.executable, "-c", _DRIVER, json.dumps(commands)], cwd=cwd, env=_env(),
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"running cog2fal failed:\n{done.stderr}")
    return [Run(["cog2fal", *args], r["stdout"], r["stderr"], r["code"])
            for args, r in zip(commands, json.loads(done.stdout), strict=True)]


def unified_diff(old: str, new: str, cwd: Path) -> str:
    """Real `diff -u` output; the labels replace the timestamps, which would change every run."""
    try:
        done = subprocess.run(["diff", "-u", "--label", old, "--label", new, old, new], cwd=cwd,
                              capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise SystemExit("`diff` (GNU diffutils) is needed to regenerate the walkthroughs") from None
    if done.returncode > 1:
        raise SystemExit(f"diff -u {old} {new} failed: {done.stderr}")
    return done.stdout


# --------------------------------------------------------------------------- the examples


def example_names() -> list[str]:
    return sorted(p.parent.parent.name for p in EXAMPLES.glob("*/cog/cog.yaml"))


def demo_names() -> list[str]:
    return sorted(p.stem for p in TEMPLATES.glob("*.md"))


def read_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@dataclass
class Converted:
    name: str
    run: Run
    files: dict[str, bytes]  # relative to examples/<name>/fal
    diffs: dict[str, str]  # file → `diff -u` of the Cog file and its rewritten copy


def convert_examples(scratch: Path, names: list[str]) -> dict[str, Converted]:
    """`cog2fal convert examples/<name>/cog --out examples/<name>/fal` in a copy of the tree."""
    for name in names:
        shutil.copytree(EXAMPLES / name / "cog", scratch / "examples" / name / "cog",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))

    commands = [["convert", f"examples/{name}/cog", "--out", f"examples/{name}/fal"] for name in names]
    converted = {}
    for name, run in zip(names, cog2fal(commands, scratch), strict=True):
        if run.returncode != 0:
            raise SystemExit(f"converting examples/{name}/cog failed:\n{run.console()}")
        files = read_tree(scratch / "examples" / name / "fal")
        diffs = {}
        for relative in sorted(files):
            original = scratch / "examples" / name / "cog" / relative
            if relative.endswith(".py") and original.is_file() and original.read_bytes() != files[relative]:
                diffs[relative] = unified_diff(f"examples/{name}/cog/{relative}",
                                               f"examples/{name}/fal/{relative}", scratch)
        converted[name] = Converted(name, run, files, diffs)
    return converted


# --------------------------------------------------------------------------- quoting code


def _lines(text: str, start: int, end: int) -> str:
    return textwrap.dedent("\n".join(text.splitlines()[start - 1:end]))


def python_construct(text: str, qualname: str, where: str) -> str:
    """Source of a top-level class/def/assignment, or `Class.method`; `:signature` stops at the body.

    `@app` names the generated fal.App subclass."""
    name, _, part = qualname.partition(":")
    tree = ast.parse(text)
    scope: list[ast.stmt] = tree.body
    node: ast.AST | None = None
    for piece in name.split("."):
        node = None
        for candidate in scope:
            if piece == "@app" and isinstance(candidate, ast.ClassDef) and _is_fal_app(candidate):
                node = candidate
            elif isinstance(candidate, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) \
                    and candidate.name == piece:
                node = candidate
            elif isinstance(candidate, (ast.Assign, ast.AnnAssign)):
                targets = candidate.targets if isinstance(candidate, ast.Assign) else [candidate.target]
                if any(isinstance(t, ast.Name) and t.id == piece for t in targets):
                    node = candidate
            if node is not None:
                break
        if node is None:
            raise SystemExit(f"{where}: no `{name}` in the quoted file")
        scope = getattr(node, "body", [])
    assert node is not None
    start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
    end = node.end_lineno or node.lineno
    if part == "signature":
        body = node.body  # type: ignore[attr-defined]
        first = body[0]
        is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str)
        end = (first.end_lineno or first.lineno) if is_doc else first.lineno - 1
    elif part:
        raise SystemExit(f"{where}: unknown part `:{part}`")
    return _lines(text, start, end)


def _is_fal_app(node: ast.ClassDef) -> bool:
    return any(ast.unparse(base) in ("fal.App", "App") for base in node.bases)


def fal_app_facts(text: str) -> dict[str, str]:
    """Facts of a generated app file, read from its syntax tree."""
    tree = ast.parse(text)
    app = next(n for n in tree.body if isinstance(n, ast.ClassDef) and _is_fal_app(n))
    facts = {"app_class": app.name, "mode": "app"}
    for keyword in app.keywords:
        if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
            facts["app_name"] = str(keyword.value.value)
    for statement in app.body:
        if isinstance(statement, ast.Assign) and isinstance(statement.targets[0], ast.Name):
            if statement.targets[0].id == "machine_type" and isinstance(statement.value, ast.Constant):
                facts["machine_type"] = str(statement.value.value)
            if statement.targets[0].id == "image":
                facts["mode"] = "container"
    return facts


def quote_lines(text: str, start: str, end: str, where: str) -> str:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if start in line), None)
    if first is None:
        raise SystemExit(f"{where}: no line contains {start!r}")
    last = next((i for i in range(first, len(lines)) if end in lines[i]), None)
    if last is None:
        raise SystemExit(f"{where}: no line after {start!r} contains {end!r}")
    return "\n".join(lines[first:last + 1])


def markdown_section(text: str, heading: str, where: str) -> str:
    """The body of a `## heading` section of a Markdown file, without the heading."""
    lines = text.splitlines()
    try:
        start = lines.index(f"## {heading}") + 1
    except ValueError:
        raise SystemExit(f"{where}: no `## {heading}` section") from None
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip("\n")


def fence(text: str, language: str = "") -> str:
    ticks = "```"
    while ticks in text:
        ticks += "`"
    return f"{ticks}{language}\n{text.rstrip(chr(10))}\n{ticks}"


_LANGUAGES = {".py": "python", ".yaml": "yaml", ".yml": "yaml", ".txt": "text", ".md": "markdown"}


# --------------------------------------------------------------------------- walkthroughs

DIRECTIVE = re.compile(r"\{\{\s*(.*?)\s*\}\}")


@dataclass
class Walkthrough:
    """Renders one template. Directives (arguments are shell words; paths relative to the repo):

    - `{{ convert }}`: the real `cog2fal convert` command and its output, as a console block
    - `{{ tree }}`: the files of the converted folder
    - `{{ file PATH }}`: a whole file, fenced (generated files are read from this run's output)
    - `{{ python PATH NAME }}`: a top-level class, def or assignment of a Python file
      (`Class.method`, `NAME:signature` for a def without its body, `@app` for the fal.App class)
    - `{{ lines PATH START END }}`: the lines from the first containing START to the next
      containing END, fenced
    - `{{ run ARGS... }}`: another real `cog2fal ARGS...` run from the scratch copy of the
      examples (its output files are discarded), as a console block
    - `{{ diff FILE }}`: real `diff -u` of `cog/FILE` and its rewritten `fal/FILE`
    - `{{ section FILE HEADING }}`: the body of a `## HEADING` section of a generated Markdown file,
      as a block quote
    - `{{ deploy }}`: the deploy command, from the generated MIGRATION.md
    - `{{ app_class }}`, `{{ app_name }}`, `{{ machine_type }}`, `{{ mode }}`: inline facts
    """

    name: str
    converted: Converted
    template: Path
    scratch: Path

    def generated_text(self, relative: str) -> str:
        return self.converted.files[relative].decode("utf-8")

    def read(self, path: str, where: str) -> str:
        prefix = f"examples/{self.name}/fal/"
        if path.startswith(prefix):
            relative = path[len(prefix):]
            if relative not in self.converted.files:
                raise SystemExit(f"{where}: `{path}` is not in the converted output")
            return self.generated_text(relative)
        if not (ROOT / path).is_file():
            raise SystemExit(f"{where}: no file `{path}`")
        return (ROOT / path).read_text(encoding="utf-8")

    def render(self) -> str:
        text = self.template.read_text(encoding="utf-8")
        facts = fal_app_facts(self.generated_text("fal_app.py"))
        out = []
        for number, line in enumerate(text.splitlines(keepends=True), 1):
            where = f"{self.template.relative_to(ROOT)}:{number}"
            out.append(DIRECTIVE.sub(lambda m, where=where: self.expand(m.group(1), facts, where), line))
        header = (f"<!-- Generated by scripts/regenerate_examples.py from "
                  f"{self.template.relative_to(ROOT).as_posix()}: edit the template, then run the "
                  f"script. -->\n\n")
        return header + "".join(out)

    def expand(self, directive: str, facts: dict[str, str], where: str) -> str:
        words = shlex.split(directive)
        verb, args = words[0], words[1:]
        if verb in facts and not args:
            return facts[verb]
        if verb == "convert":
            return fence(self.converted.run.console(), "console")
        if verb == "tree":
            return fence("\n".join(f"examples/{self.name}/fal/{f}" for f in sorted(self.converted.files)),
                         "text")
        if verb == "file" and len(args) == 1:
            return fence(self.read(args[0], where), _LANGUAGES.get(Path(args[0]).suffix, "text"))
        if verb == "lines" and len(args) == 3:
            return fence(quote_lines(self.read(args[0], where), args[1], args[2], where),
                         _LANGUAGES.get(Path(args[0]).suffix, "text"))
        if verb == "run" and args:
            return fence(cog2fal([args], self.scratch)[0].console(), "console")
        if verb == "python" and len(args) == 2:
            return fence(python_construct(self.read(args[0], where), args[1], where), "python")
        if verb == "diff" and len(args) == 1:
            if args[0] not in self.converted.diffs:
                raise SystemExit(f"{where}: `{args[0]}` was not rewritten")
            return fence(self.converted.diffs[args[0]], "diff")
        if verb == "section" and len(args) == 2:  # quoted: `> ` before each line
            body = markdown_section(self.read(args[0], where), args[1], where)
            return "\n".join(f"> {line}" if line else ">" for line in body.splitlines())
        if verb == "deploy":
            migration = self.generated_text("MIGRATION.md")
            command = next(line for line in migration.splitlines() if line.startswith("fal deploy "))
            return fence(f"cd examples/{self.name}/fal\n{command}", "bash")
        raise SystemExit(f"{where}: unknown directive {{{{ {directive} }}}}")


# --------------------------------------------------------------------------- docs/cli.md

CLI_HEADER = """\
<!-- Generated by scripts/regenerate_examples.py from the real `cog2fal <command> --help` output
(COLUMNS=100, trailing spaces removed): do not edit by hand. -->

# CLI reference

`cog2fal` has four commands. Every command takes `--json` for machine-readable output and
`--help` for the text below.

Exit codes: `0` success (warnings allowed); `1` `convert --check` / `--diff` found differences, or
`verify` found a mismatch; `2` an error, reported as one `error: file:line: message` line on
standard error, never a traceback.

`MODEL_DIR` is a Cog project folder or the path of its `cog.yaml`.

- [`cog2fal`](#cog2fal)
""" + "".join(f"- [`cog2fal {c}`](#cog2fal-{c})\n" for c in COMMANDS)


def cli_doc(scratch: Path) -> str:
    runs = cog2fal([["--help"]] + [[c, "--help"] for c in COMMANDS], scratch)
    parts = [CLI_HEADER]
    for title, run in zip(["cog2fal"] + [f"cog2fal {c}" for c in COMMANDS], runs, strict=True):
        if run.returncode != 0:
            raise SystemExit(f"{shlex.join(run.argv)} failed:\n{run.console()}")
        parts.append(f"\n## {title}\n\n{fence(run.console(), 'text')}\n")
    return "".join(parts)


# --------------------------------------------------------------------------- docs/mapping.md


@dataclass
class FindingUse:
    code: str
    severity: str
    file: str
    message: str


def _message_template(node: ast.expr | None) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
    return "…"


def finding_uses(package: Path | None = None) -> tuple[list[FindingUse], set[str], set[str]]:
    """Findings raised in cog2fal's source: (uses, every code string in the source, rule IDs)."""
    package = package or ROOT / "cog2fal"
    uses: list[FindingUse] = []
    every: set[str] = set()
    rules: set[str] = set()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        relative = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE_RE.match(node.value):
                every.add(node.value)
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name) and node.targets[0].id == "id" and \
                    isinstance(node.value, ast.Constant) and CODE_RE.match(str(node.value.value)):
                rules.add(str(node.value.value))
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else ""
            if called not in ("Finding", "warn", "todo"):
                continue
            # Finding(code, message, location=None, severity="warning"); warn(code, message, node);
            # todo(code, message, text)
            names = ["code", "message", "location", "severity"] if called == "Finding" else \
                ["code", "message", "node"]
            arguments = dict(zip(names, node.args, strict=False))
            arguments.update({k.arg: k.value for k in node.keywords if k.arg})
            if "code" not in arguments:
                continue
            codes = sorted({n.value for n in ast.walk(arguments["code"]) if isinstance(n, ast.Constant)
                            and isinstance(n.value, str) and CODE_RE.match(n.value)})
            severity_node = arguments.get("severity")
            if severity_node is None:
                severity = "todo" if called == "todo" else "warning"
            elif isinstance(severity_node, ast.Constant):
                severity = str(severity_node.value)
            else:
                severity = "varies"
            message = _message_template(arguments.get("message"))
            for code in codes:
                uses.append(FindingUse(code, severity, relative, message))
    return uses, every, rules


def undocumented_codes() -> tuple[set[str], set[str]]:
    """(codes used in the source with no meaning here, meanings for codes no longer used)."""
    uses, every, rules = finding_uses()
    used = {u.code for u in uses} | (every - rules)
    return used - set(FINDING_MEANINGS), set(FINDING_MEANINGS) - used


def findings_table() -> str:
    uses, every, rules = finding_uses()
    missing, stale = undocumented_codes()
    if missing or stale:
        raise SystemExit(
            f"scripts/regenerate_examples.py FINDING_MEANINGS: add a one-line meaning for "
            f"{sorted(missing)}; remove {sorted(stale)}")
    by_code: dict[str, list[FindingUse]] = {}
    for use in uses:
        by_code.setdefault(use.code, []).append(use)
    rows = ["| code | severity | meaning | raised in | message (`…` is filled in at run time) |",
            "|---|---|---|---|---|"]
    for code in sorted(FINDING_MEANINGS):
        found = by_code.get(code, [])
        severities = "/".join(dict.fromkeys(u.severity for u in found)) or "?"
        files = ", ".join(f"[`{f}`](../{f})" for f in dict.fromkeys(u.file for u in found))
        messages = " / ".join(dict.fromkeys(u.message for u in found))
        rows.append(f"| `{code}` | {severities} | {FINDING_MEANINGS[code]} | {files} | "
                    f"{_cell(messages)} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_table() -> str:
    sys.path.insert(0, str(ROOT))
    try:
        from cog2fal.writing.rewrites import registered_rules
    finally:
        sys.path.remove(str(ROOT))
    rows = ["| ID | rule | module | what it does |", "|---|---|---|---|"]
    for order, rule in enumerate(registered_rules(), 1):
        module = sys.modules[rule.__module__]
        doc = (module.__doc__ or "").strip()
        paragraphs = doc.split("\n\n")
        first = paragraphs[0].split(":", 1)[-1].strip().rstrip(".")
        rest = " ".join(p.replace("\n", " ") for p in paragraphs[1:])
        path = Path(module.__file__ or "").resolve().relative_to(ROOT).as_posix()
        rows.append(f"| `{rule.id}` | {order}. {_cell(rule.summary)} | [`{Path(path).name}`](../{path}) | "
                    f"{_cell(first.replace(chr(10), ' '))}. {_cell(rest)} |")
    return "\n".join(rows)


GENERATED = re.compile(r"(<!-- generated: (\w+) -->\n).*?(<!-- end generated -->)", re.S)


def mapping_doc() -> str:
    text = MAPPING.read_text(encoding="utf-8")
    sections = {"rules": rules_table, "findings": findings_table}
    seen = set()

    def replace(match: re.Match[str]) -> str:
        kind = match.group(2)
        if kind not in sections:
            raise SystemExit(f"docs/mapping.md: unknown generated section `{kind}`")
        seen.add(kind)
        return f"{match.group(1)}{sections[kind]()}\n{match.group(3)}"

    result = GENERATED.sub(replace, text)
    if seen != set(sections):
        raise SystemExit(f"docs/mapping.md: missing generated section(s) {sorted(set(sections) - seen)}")
    return result


# --------------------------------------------------------------------------- everything


@dataclass
class Generated:
    files: dict[str, bytes]  # repo-relative path → content
    owned_dirs: list[str]  # folders whose every file is generated (stale files are removed)
    converted: dict[str, Converted]


def generate(names: list[str] | None = None) -> Generated:
    names = names or example_names()
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="cog2fal-examples-") as tmp:
        scratch = Path(tmp)
        converted = convert_examples(scratch, names)
        for name, result in converted.items():
            for relative, data in result.files.items():
                files[f"examples/{name}/fal/{relative}"] = data
        for name in demo_names():
            if name not in converted:
                raise SystemExit(f"docs/walkthroughs/_templates/{name}.md has no examples/{name}/cog")
            page = Walkthrough(name, converted[name], TEMPLATES / f"{name}.md", scratch).render()
            files[f"docs/walkthroughs/{name}.md"] = page.encode("utf-8")
        files["docs/cli.md"] = cli_doc(scratch).encode("utf-8")
    files["docs/mapping.md"] = mapping_doc().encode("utf-8")
    owned = [f"examples/{name}/fal" for name in names]
    return Generated(files, owned, converted)


def generated_walkthroughs() -> set[str]:
    return {f"docs/walkthroughs/{name}.md" for name in demo_names()}


def differences(generated: Generated) -> list[str]:
    problems = []
    for relative, data in sorted(generated.files.items()):
        path = ROOT / relative
        if not path.is_file():
            problems.append(f"missing {relative}")
        elif path.read_bytes() != data:
            problems.append(f"differs {relative}")
    for folder in generated.owned_dirs:
        for relative in read_tree(ROOT / folder) if (ROOT / folder).is_dir() else {}:
            if f"{folder}/{relative}" not in generated.files:
                problems.append(f"unexpected {folder}/{relative}")
    return problems


def write(generated: Generated) -> list[str]:
    changed = differences(generated)
    for folder in generated.owned_dirs:
        if (ROOT / folder).is_dir():
            for relative in read_tree(ROOT / folder):
                if f"{folder}/{relative}" not in generated.files:
                    (ROOT / folder / relative).unlink()
    for relative, data in generated.files.items():
        path = ROOT / relative
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return changed


def main(argv: list[str]) -> int:
    check = "--check" in argv
    unknown = [a for a in argv if a != "--check"]
    if unknown:
        print(__doc__)
        return 2
    generated = generate()
    if check:
        problems = differences(generated)
        for problem in problems:
            print(problem)
        print(f"out of date: run {RERUN}" if problems else f"{len(generated.files)} files up to date")
        return 1 if problems else 0
    changed = write(generated)
    for problem in changed:
        print(problem.replace("differs", "updated").replace("missing", "created")
              .replace("unexpected", "removed"))
    print(f"{len(generated.files)} files generated, {len(changed)} changed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
