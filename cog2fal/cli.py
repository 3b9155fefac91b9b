"""The `cog2fal` command line: convert, inspect, dockerfile, verify, client.

Exit codes: 0 success (warnings allowed), 1 `--check`/`--diff` found differences or `verify`
found a mismatch, 2 an error — reported as one `file:line: message` line, never a traceback
(also when the machine refuses: a full disk, a read-only folder, a file nobody may read);
130 after Ctrl-C, 143 after SIGTERM (129 SIGHUP), once what was half-written is removed.
Heavy modules (libcst, the writers) are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from cog2fal import __version__
from cog2fal.compat.typer_private import LeanGroup
from cog2fal.conversion import CPU_DEFAULT, GPU_DEFAULT, ConvertOptions
from cog2fal.errors import CogProjectError, GivenPathError, from_os_error, unreadable_reason


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised wherever the program is, as Ctrl-C raises KeyboardInterrupt: what
    cleans up after Ctrl-C (the output's staging folder, verify's servers) cleans up after it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _terminate(signum: int, _frame: Any) -> NoReturn:
    raise Terminated(signum)


def _on_termination(handler: Callable[[int, Any], Any]) -> dict[int, Any]:
    """`handler` for SIGTERM and SIGHUP while the CLI runs; the handlers it replaced. A signal
    someone chose to ignore (`nohup` ignores SIGHUP) stays ignored; off the main thread, none."""
    previous: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None or signal.getsignal(signum) is not signal.SIG_DFL:
            continue
        try:
            previous[signum] = signal.signal(signum, handler)
        except ValueError:  # not the main thread
            break
    return previous


class _Group(LeanGroup):
    """The one error boundary of every command: a `CogProjectError` becomes one line on stderr
    and exit code 2 (`convert` also reports each failed project of a batch as it goes), and so
    does an OS refusal no command words itself (a full disk, a file nobody may read): the
    machine's doing, not a bug. SIGTERM ends with 143 once what it interrupted is cleaned up."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except CogProjectError as error:
            sys.stderr.write(f"error: {error}\n")
            raise typer.Exit(2) from None
        except OSError as exc:
            refusal = from_os_error(exc)
            if refusal is None:  # a closed pipe is typer's to answer; anything else, a bug of ours
                raise
            sys.stderr.write(f"error: {refusal}\n")
            raise typer.Exit(2) from None
        except Terminated as stop:  # typer would end a KeyboardInterrupt with 130, silently
            sys.stderr.write("terminated\n")
            raise typer.Exit(128 + stop.signum) from None


app = typer.Typer(
    name="cog2fal",
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    pretty_exceptions_enable=False,
)


class Mode(str, Enum):
    auto = "auto"
    app = "app"
    container = "container"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cog2fal {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[bool | None, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")] = None,
) -> None:
    """Move Replicate Cog models to fal.

    **Examples**

    * `cog2fal convert ./my-model` → writes `./my-model-fal/` with `fal_app.py`

    * `cog2fal inspect ./my-model` → what cog2fal understands, and what needs a hand

    * `cog2fal dockerfile ./my-model --from cog-debug.txt` → a Dockerfile for fal's ContainerImage

    * `cog2fal verify ./my-model ./my-model-fal` → compare Cog and fal side by side, locally

    * `cog2fal client ./my-app --fal-owner my-team` → code calling Replicate now calls the fal apps
    """


ModelDirs = Annotated[list[Path], typer.Argument(
    help="Cog project folder(s), the path of a cog.yaml, or Cog image reference(s) "
         "(`r8.im/owner/model@sha256:…`; see docs/images.md).", show_default=False)]
ImageFlag = Annotated[bool, typer.Option(
    "--image", help="The arguments are Cog image references, even a bare `owner/model`.")]
SchemaFile = Annotated[Path | None, typer.Option(
    "--schema", help="A published Cog OpenAPI schema (or Replicate's version JSON) to check the "
                     "converted inputs against, field by field.")]
BuildFlag = Annotated[bool, typer.Option(
    "--build", help="Build the image with the Docker SDK (needs an engine) and smoke-test it "
                    "without a GPU: fal and cog2fal_runtime import, the files are in /src, pip "
                    "check passes (docs/container.md).")]
TagOption = Annotated[str | None, typer.Option(
    "--tag", help="With --build: the image's tag (default: cog2fal/<name>:latest).")]


@app.command()
def convert(
    model_dirs: ModelDirs,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Output folder (default: a sibling `<model>-fal`). One project only. Not "
                            "inside the project (a later conversion would ship it), unless "
                            ".dockerignore leaves it out.")] = None,
    out_root: Annotated[Path | None, typer.Option(
        "--out-root", help="Write each project to `<DIR>/<model>-fal` (batch conversion); not inside "
                           "any of the projects.")] = None,
    mode: Annotated[Mode, typer.Option(
        help="`app`: requirements + app_files; `container`: a Dockerfile for ContainerImage; "
             "`auto`: container when cog.yaml needs system packages, run commands or a CUDA pin."),
    ] = Mode.auto,
    machine_type: Annotated[str | None, typer.Option(
        help=f"fal machine type (default: {GPU_DEFAULT} when build.gpu, else {CPU_DEFAULT}).")] = None,
    app_name: Annotated[str | None, typer.Option(
        help="fal app name (default: from `image:` or the folder name).")] = None,
    billing_metric: Annotated[str | None, typer.Option(
        help="A metric the model records (current_scope().record_metric) to bill by.")] = None,
    cog_debug: Annotated[Path | None, typer.Option(
        "--from",
        help="Container mode: `cog debug` output to clean instead of generating a Dockerfile.")] = None,
    persistent_cache: Annotated[bool, typer.Option(
        "--persistent-cache/--no-persistent-cache",
        help="Keep what the model downloads (weights, Hugging Face and torch caches, pget targets) "
             "on fal's persistent volume, so only the first runner downloads it.")] = True,
    persistent_root: Annotated[str | None, typer.Option(
        help="The persistent folder to keep downloads in (default: fal's /data).")] = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; exit 1 if the output folder is not up to date.")] = False,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Write nothing; print a unified diff and exit 1 if anything would change.")] = False,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a non-empty output folder.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
    image: ImageFlag = False,
    schema: SchemaFile = None,
    build: BuildFlag = False,
    tag: TagOption = None,
    base_image: Annotated[str | None, typer.Option(
        "--base-image", help="Container mode FROM this Cog image, pinned by digest: the model keeps "
                             "Replicate's exact environment; only curl, the code and fal are added.",
        show_default=False)] = None,
) -> None:
    """Convert a Cog project into a fal app folder (`fal_app.py`, the model code, MIGRATION.md).

    The conversion is static: the model's code is read, never imported or run, and the Cog
    project is never modified. A Cog image converts as its project folder would: its `/src` is
    read without running the image (pulled when not local; needs a Docker engine), and the
    inputs are checked against the schema label it was published with.

    **Examples**

    * `cog2fal convert ./my-model`

    * `cog2fal convert ./my-model --out ./deploy --machine-type GPU-H100`

    * `cog2fal convert ./my-model --check` (in CI: is the committed fal app up to date?)

    * `cog2fal convert models/* --out-root converted/`

    * `cog2fal convert ./my-model --mode container --build` (then a smoke test in the image)

    * `cog2fal convert r8.im/owner/model@sha256:<digest> --base-image r8.im/owner/model@sha256:<digest>`

    * `cog2fal convert r8.im/owner/model@sha256:<digest>` → `./model-fal/`
    """
    from cog2fal.commands.convert import run_convert

    if out is not None and len(model_dirs) > 1:
        raise CogProjectError("--out takes one project; use --out-root for several")
    if schema is not None and len(model_dirs) > 1:
        raise CogProjectError("--schema belongs to one project")
    if base_image is not None and mode == Mode.app:
        raise CogProjectError("--base-image makes a container app: not with --mode app")
    if build and (check or diff or len(model_dirs) > 1):
        raise CogProjectError("--build builds one written container app: not with --check, --diff or "
                              "several projects")
    if persistent_root is not None and not persistent_root.startswith("/"):
        raise CogProjectError(f"--persistent-root must be an absolute folder such as /data, not "
                              f"{persistent_root!r}")
    options = ConvertOptions(mode=mode.value, machine_type=machine_type, app_name=app_name,
                             billing_metric=billing_metric, cog_debug=_read_text(cog_debug),
                             persistent_cache=persistent_cache, persistent_root=persistent_root)
    raise typer.Exit(run_convert(model_dirs, options, out=out, out_root=out_root, check=check, diff=diff,
                                 force=force, as_json=as_json, image=image, schema=schema, build=build,
                                 tag=tag, base_image=base_image))


def _read_text(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GivenPathError(f"cannot read: {unreadable_reason(exc)}", path) from None


@app.command()
def inspect(
    model_dir: Annotated[Path, typer.Argument(
        help="Cog project folder, cog.yaml, or Cog image reference.", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    image: ImageFlag = False,
    schema: SchemaFile = None,
) -> None:
    """Show what cog2fal understands of a Cog project, and what will need a hand.

    **Examples**

    * `cog2fal inspect ./my-model --json`

    * `cog2fal inspect r8.im/owner/model@sha256:<digest>` (labels, /src, schema check)
    """
    from cog2fal.commands.inspect import run_inspect

    raise typer.Exit(run_inspect(model_dir, as_json, image=image, schema=schema))


@app.command()
def dockerfile(
    model_dir: Annotated[Path, typer.Argument(help="Cog project folder or cog.yaml.", show_default=False)],
    source: Annotated[str | None, typer.Option(
        "--from", help="`cog debug` output to clean: a file, or `-` for standard input.")] = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write the Dockerfile here (and requirements.txt beside it); an existing "
                            "folder gets `Dockerfile` inside it.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a Dockerfile or requirements.txt that is there and differs.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
    build: BuildFlag = False,
    tag: TagOption = None,
) -> None:
    """Print a Dockerfile for fal's ContainerImage: `cog debug` output cleaned of Cog's runtime.

    Without `--from`, runs `cog debug` when a `cog` CLI is on PATH, else generates the
    Dockerfile from cog.yaml.

    **Examples**

    * `cog debug | cog2fal dockerfile . --from -`

    * `cog2fal dockerfile ./my-model --out build/Dockerfile`

    * `cog2fal dockerfile ./my-model --build` (the project folder is the build context)
    """
    from cog2fal.commands.dockerfile import run_dockerfile

    raise typer.Exit(run_dockerfile(model_dir, source, out, as_json, build=build, tag=tag, force=force))


@app.command()
def verify(
    model_dir: Annotated[Path, typer.Argument(help="The Cog project.", show_default=False)],
    fal_dir: Annotated[Path, typer.Argument(help="The converted fal app folder.", show_default=False)],
    case: Annotated[list[Path] | None, typer.Option(
        "--case", help="A JSON file with one request's inputs; repeatable.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
    in_image: Annotated[bool, typer.Option(
        "--in-image", help="Serve the fal app inside its container image (built from the app's "
                           "DOCKERFILE with the Docker SDK, or --image), not in this Python.")] = False,
    image: Annotated[str | None, typer.Option(
        "--image", help="With --in-image: an image already built for the app (a tag or id).")] = None,
) -> None:
    """Run the Cog model under Cog's runtime and the fal app under fal's server, locally, and compare.

    Compares the input schemas field by field and, for each case, the outputs. Needs the
    model's dependencies, `cog` and `fal` installed in this Python environment.

    **Example:** `cog2fal verify ./my-model ./my-model-fal --case cases/cat.json`

    **In the image:** `cog2fal verify ./my-model ./my-model-fal --in-image` builds the container
    app's image and serves the app inside it (Cog's side still runs in this Python).
    """
    _needs_teardown()
    from cog2fal.commands.verify import run_verify

    raise typer.Exit(run_verify(model_dir, fal_dir, case or [], as_json, in_image=in_image or bool(image),
                                image=image))


@app.command()
def client(
    paths: Annotated[list[Path], typer.Argument(
        help="Python files or folders of code that calls Replicate's client.", show_default=False)],
    map_file: Annotated[Path | None, typer.Option(
        "--map", help="TOML: `[models]` `\"owner/name\" = \"team/app\"` "
                      "(or `{ app = ..., path = \"/stream\" }`).")] = None,
    fal_owner: Annotated[str | None, typer.Option(
        "--fal-owner",
        help="fal user or team: `owner/name` → `TEAM/<name>`, the app name `convert` gives.")] = None,
    diff: Annotated[bool, typer.Option(
        "--diff", help="Write nothing; print a unified diff and exit 1 if anything would change.")] = False,
    check: Annotated[bool, typer.Option(
        "--check", help="Write nothing; exit 1 if a file would change.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON report.")] = False,
) -> None:
    """Rewrite code that calls Replicate's client to call the converted apps with `fal_client`.

    Files are rewritten in place; files that do not use Replicate's client stay byte-identical.
    What cannot be moved keeps working Replicate code and gets a `# TODO(cog2fal): ...` at its
    line. A helper module, `fal_replicate_compat.py`, is written beside code that needs it.

    **Examples**

    * `cog2fal client app/ --fal-owner my-team`

    * `cog2fal client app/ --map models.toml --diff`

    * `cog2fal client . --fal-owner my-team --check` (in CI: is every call moved?)
    """
    from cog2fal.commands.client import run_client

    raise typer.Exit(run_client(paths, map_file, fal_owner, diff, check, as_json))


# Whether the process may end without the interpreter's teardown, which frees every libcst
# class and node one by one: 40-70 ms, a fifth of a one-project conversion. Nothing is left to
# clean up after --help, convert, inspect or dockerfile; verify, which starts servers, turns it off.
_quick_exit = True


def _needs_teardown() -> None:
    global _quick_exit
    _quick_exit = False


def _end_process(code: int) -> NoReturn:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`): nothing more to say there
            pass
    os._exit(code)


def main() -> None:
    """The CLI as a function (scripts call it in process): ends with SystemExit, as click does."""
    previous = _on_termination(_terminate)
    try:
        app()
    except Terminated as stop:
        sys.stderr.write("terminated\n")
        sys.exit(128 + stop.signum)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)
    except Exception as exc:  # a bug of ours: still one line and exit 2, never a traceback
        message = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        sys.stderr.write(f"error: internal error, please report it with the project that caused it: "
                         f"{message}\n")
        sys.exit(2)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run() -> None:
    """The `cog2fal` console script and `python -m cog2fal`: main(), and after a command that
    leaves nothing to clean up, the end of the process without the interpreter's teardown."""
    try:
        main()
    except SystemExit as done:
        if _quick_exit and (done.code is None or isinstance(done.code, int)):
            _end_process(done.code or 0)
        raise


if __name__ == "__main__":  # pragma: no cover
    run()
