"""Regenerate every converted example and the docs made from real command output.

    python scripts/regenerate_examples.py           # rewrite the files
    python scripts/regenerate_examples.py --check   # exit 1 if any is stale

Any `python` will do: when it lacks cog2fal's dependencies, the script runs itself again with the
tool environment that scripts/envs.sh builds and caches (the one scripts/test.sh uses).

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
  `<!-- end generated -->`): the rewrite rules from their registry, and the finding codes from
  the code registry, cog2fal/codes.py.

tests/test_examples.py runs `generate()` and fails on any byte difference.
The cog2fal that runs is the one of this checkout (PYTHONPATH), whatever venv is used.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
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
COMMANDS = ["convert", "inspect", "dockerfile", "verify", "client"]
RERUN = "python scripts/regenerate_examples.py"

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

`cog2fal` has five commands. Every command takes `--json` for machine-readable output and
`--help` for the text below.

Exit codes: `0` success (warnings allowed); `1` `convert`/`client` `--check` / `--diff` found differences, or
`verify` found a mismatch; `2` an error, reported as one `error: file:line: message` line on
standard error (or `error: path: message` for the path at fault, such as an `--out` on a full
disk), never a traceback; `130` after Ctrl-C, `143` after SIGTERM, once anything half-written is
removed.

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


def _package(module: str):
    """A module of this checkout's cog2fal (the script also runs where cog2fal is not installed)."""
    sys.path.insert(0, str(ROOT))
    try:
        return importlib.import_module(module)
    finally:
        sys.path.remove(str(ROOT))


def findings_table() -> str:
    codes = _package("cog2fal.codes")
    rows = ["| code | severity | headline | meaning |", "|---|---|---|---|"]
    for code in codes.findings():
        headline = f"{code.headline} (retired)" if code.retired else code.headline
        rows.append(f"| `{code.value}` | {code.severity} | {_cell(headline)} | {_cell(code.explanation)} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def rules_table() -> str:
    registered_rules = _package("cog2fal.writing.rewrites").registered_rules
    rows = ["| ID | rule | module | what it does |", "|---|---|---|---|"]
    for order, rule in enumerate(registered_rules(), 1):
        module = sys.modules[rule.__module__]
        doc = (module.__doc__ or "").strip()
        paragraphs = doc.split("\n\n")
        first = paragraphs[0].strip().rstrip(".")
        first = first[:1].lower() + first[1:]  # the docstring's sentence continues the row
        rest = " ".join(p.replace("\n", " ") for p in paragraphs[1:])
        path = Path(module.__file__ or "").resolve().relative_to(ROOT).as_posix()
        what = f"{_cell(first.replace(chr(10), ' '))}. {_cell(rest)}"
        rows.append(f"| `{rule.id.value}` | {order}. {_cell(rule.summary)} | "
                    f"[`{Path(path).name}`](../{path}) | {what} |")
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


_DEPENDENCIES = ("libcst", "typer", "rich", "yaml", "packaging")
_REEXEC = "COG2FAL_REGENERATE_TOOL_ENV"  # set when this script already runs in the tool environment


def ensure_environment(argv: list[str]) -> None:
    """Run again in scripts/envs.sh's tool environment when this Python lacks cog2fal's dependencies."""
    missing = [name for name in _DEPENDENCIES if importlib.util.find_spec(name) is None]
    if not missing:
        return
    if os.environ.get(_REEXEC):
        raise SystemExit(f"{sys.executable} lacks {', '.join(missing)} even in the tool environment")
    done = subprocess.run(["bash", "-c", 'source scripts/envs.sh && tool_env'], cwd=ROOT,
                          capture_output=True, text=True)
    if done.returncode != 0 or not done.stdout.strip():
        raise SystemExit(f"{sys.executable} lacks {', '.join(missing)}, and scripts/envs.sh could not "
                         f"provide the tool environment:\n{done.stderr}")
    python = str(Path(done.stdout.strip().splitlines()[-1]) / "bin" / "python")
    os.execve(python, [python, str(Path(__file__).resolve()), *argv], {**os.environ, _REEXEC: "1"})


def main(argv: list[str]) -> int:
    check = "--check" in argv
    unknown = [a for a in argv if a != "--check"]
    if unknown:
        print(__doc__)
        return 2
    ensure_environment(argv)
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
