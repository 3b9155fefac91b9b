"""Every stable ID cog2fal reports: finding codes and rewrite rule IDs, in one registry.

The numbers are public (MIGRATION.md, `--json`, docs/mapping.md, which is generated from this
file), so a code keeps its number for ever; a code no longer raised is marked `retired`, never
reused. `C2F0xx` are about the project (cog.yaml, requirements, files, the container build),
`C2F1xx` about the predictor's code, `C2F2xx` are the rewrite rules and what they report,
`C2F3xx` the rules of `cog2fal client` and what it reports.

Plain standard library only: reading, writing and reporting all import it.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

Severity = Literal["todo", "warning", "info"]
Kind = Literal["finding", "rule"]


class Code(str, Enum):
    """A code, its severity (None for a rule ID), a headline and what it means for the user."""

    severity: Severity | None
    headline: str
    explanation: str
    kind: Kind
    retired: bool

    def __new__(cls, value: str, severity: Severity | None, headline: str, explanation: str = "",
                retired: bool = False) -> Code:
        member = str.__new__(cls, value)
        member._value_ = value
        member.severity = severity
        member.headline = headline
        member.explanation = explanation
        member.kind = "rule" if severity is None else "finding"
        member.retired = retired
        return member

    # Printed, formatted and compared as the plain code ("C2F101"), as before it was an Enum.
    __str__ = str.__str__
    __format__ = str.__format__

    # ----------------------------------------------------------------- the project (cog.yaml)
    PYTHON_VERSION = (
        "C2F001", "info", "Python version not applied",
        "`build.python_version` is not an app option: fal runs the interpreter version of the "
        "machine that runs `fal deploy`")
    LEGACY_FORMAT = (
        "C2F002", "info", "2021 cog.yaml format",
        "the 2021 cog.yaml format (`model:` + `environment:`) was read")
    IGNORED_KEY = (
        "C2F003", "warning", "cog.yaml key ignored",
        "a cog.yaml key with no fal equivalent was ignored")
    MANAGED_WEIGHTS = (
        "C2F004", "todo", "managed weights not converted",
        "Cog-managed `weights:` are not converted: download them in `setup()`")
    REGISTRY_NAME = (
        "C2F005", "info", "`model:` name ignored",
        "the `model:` registry name is ignored")
    ENVIRONMENT = (
        "C2F006", "info", "environment set on the runner",
        "cog.yaml `environment` is applied on the runner before the model code is imported")
    CONCURRENCY = (
        "C2F007", "info", "concurrency → max_multiplexing",
        "`concurrency.max` became `max_multiplexing`")
    METRICS = (
        "C2F008", "info", "metrics recorded",
        "the model records metrics; they are collected per request, `--billing-metric` bills by one")
    CONCURRENCY_PLAIN_NUMBER = (
        "C2F009", "info", "`concurrency: N` read as the maximum",
        "`concurrency: N` (a plain number, as early concurrency-era Cog accepted) was read as "
        "`concurrency.max: N`")

    # ----------------------------------------------------------------- requirements
    EDITABLE_INSTALL = (
        "C2F010", "info", "editable install dropped",
        "an editable install (`-e`) in the requirements was dropped: the code ships as files")
    COG_REQUIREMENT = (
        "C2F011", "info", "Cog's runtime removed",
        "`cog` / `coglet` removed from the requirements")
    FAL_PINNED_REQUIREMENT = (
        "C2F012", "warning", "pin of a package fal pins removed",
        "a `pydantic` / `fastapi` pin removed: fal installs the versions its SDK needs")
    CREDENTIALS_IN_REQUIREMENTS = (
        "C2F013", "todo", "requirement with credentials not copied",
        "a requirement or pip option whose URL carries credentials was not copied into the app "
        "(shown masked): keep the token in a fal secret")

    # ----------------------------------------------------------------- entrypoints and files
    MISSING_TRAIN_FILE = (
        "C2F020", "warning", "`train:` file missing",
        "`train:` names a file that is not in the project: no `/train` endpoint")
    LARGE_FILE = (
        "C2F030", "warning", "large file shipped",
        "a file over 100 MB is uploaded with every deploy")
    UNPARSABLE_FILE = (
        "C2F031", "warning", "file shipped unchanged",
        "a Python file cog2fal cannot parse is shipped unchanged (its Cog imports too)")
    SYS_PATH_OUTSIDE = (
        "C2F032", "todo", "`sys.path` above the project",
        "`sys.path` gets a folder above the Cog project, which is not shipped")
    SYS_PATH_BUILT = (
        "C2F033", "todo", "`sys.path` made by a build step",
        "app mode: `sys.path` gets an absolute folder only a build step creates (a clone)")
    LINK_NOT_FOLLOWED = (
        "C2F034", "warning", "link not followed; not shipped",
        "a symbolic link that leaves the project, is broken, loops back to a folder that holds it, "
        "or points at a path the build context leaves out is not followed and not shipped: copy "
        "what the model needs into the project")
    SPECIAL_FILE = (
        "C2F035", "warning", "special file not shipped",
        "a FIFO, socket or device in the project (or a link to one) is never opened and not shipped")

    # ----------------------------------------------------------------- build steps and images
    REQUIREMENTS_REPLACED = (
        "C2F040", "info", "requirements.txt regenerated",
        "container mode: the project's own `requirements.txt` is replaced by the regenerated one")
    BUILD_SECRETS = (
        "C2F041", "todo", "build secrets needed",
        "`build.run` uses build secrets: supply them when fal builds the image")
    DOCKERFILE = (
        "C2F042", "info", "Dockerfile made",
        "container mode: how the Dockerfile was made, and how many lines changed; with `--base-image`, "
        "what starting FROM the Cog image costs (size, Cog runtime left inside)")
    BUILD_STEPS_DROPPED = (
        "C2F043", "todo", "build steps not reproduced",
        "app mode: `system_packages`, `build.run` or `pre_install` not reproduced")
    ENVIRONMENT_UNDER_SRC = (
        "C2F044", "info", "environment value under /src",
        "app mode: an `environment` value under Cog's /src, set relative to the app's folder instead")
    SCHEMA_DIFFERS = (
        "C2F050", "warning", "input differs from the published schema",
        "an input of the converted app differs from the published Cog schema (an image's schema "
        "label or `--schema FILE`): the attribute, both values and the source are named")

    # ----------------------------------------------------------------- weights and caches
    DOWNLOAD_NOT_PERSISTED = (
        "C2F070", "warning", "download kept on the runner's disk",
        "a download or cache site whose files stay on the runner's disk (with the reason): its "
        "path is computed at run time, temporary, the model folder itself, or holds code")
    LARGE_FILE_ON_VOLUME = (
        "C2F071", "todo", "large file read from the volume",
        "a large file (≥ 10 MB) left out of the deploy: upload it once to the persistent volume "
        "with `fal files upload`")

    # ----------------------------------------------------------------- inputs
    UNTYPED_INPUT = (
        "C2F101", "warning", "input without a type",
        "an input without a type annotation (or a typed default) is published as a string")
    UNKNOWN_LEGACY_OPTION = (
        "C2F102", "warning", "unknown `@cog.input` option",
        "an unknown `@cog.input` option was ignored")
    DEFAULT_FACTORY = (
        "C2F103", "warning", "`default_factory` input",
        "`default_factory`: the input is published optional; the factory runs in the model code")
    ACCEPT_DROPPED = (
        "C2F104", "info", "`accept=` dropped",
        "`Input(accept=...)` has no fal equivalent and was dropped")
    RUNTIME_DEFAULT = (
        "C2F105", "todo", "default computed at run time",
        "a default computed at run time: the input is published optional, the code keeps its default")
    CHOICES_NOT_STATIC = (
        "C2F106", "todo", "choices not published",
        "`choices` cog2fal cannot compute statically (or not str/int): published without an enum")
    KEYWORD_NOT_STATIC = (
        "C2F107", "todo", "`Input()` keyword not published",
        "another `Input()` keyword cog2fal cannot compute statically: published without it")
    UNKNOWN_INPUT_TYPE = (
        "C2F108", "todo", "unknown input type",
        "an input type cog2fal does not know: published as `Any`")
    PATHLIB_INPUT = (
        "C2F109", "warning", "`pathlib.Path` input",
        "an input annotated with `pathlib.Path` is treated as Cog's file `Path`")

    # ----------------------------------------------------------------- the predictor
    PREDICT_AND_RUN = (
        "C2F110", "warning", "both `predict()` and `run()`",
        "a class with both `predict()` and `run()`: `predict()` is served")
    SETUP_WEIGHTS = (
        "C2F111", "info", "`setup(weights)`",
        "`setup(weights)` gets the `COG_WEIGHTS` environment variable on the runner, as under Cog")
    UNTYPED_OUTPUT = (
        "C2F112", "warning", "no return annotation",
        "`predict()` without a return annotation: the output is published as any JSON value")
    UNKNOWN_OUTPUT_TYPE = (
        "C2F113", "todo", "unknown output type",
        "an output type cog2fal does not know: published as any JSON value")
    INPUT_HELPER_NOT_FOLDED = (
        "C2F114", "todo", "input helper not folded",
        "an input declared by a helper of the same file (`Inputs.num_steps_with(...)`) whose "
        "body cog2fal cannot fold into the `Input(...)` it returns: published without its "
        "default, bounds and description")
    LEGACY_NOT_AN_INPUT = (
        "C2F115", "info", "undecorated parameter is no input",
        "2021 `@cog.input` API: a parameter of the prediction method without a decorator is no "
        "input (Cog never passed it); it keeps its Python default and is not published")

    # ----------------------------------------------------------------- rewrite rules (IDs)
    RULE_TODO_COMMENTS = ("C2F200", None, "TODO(cog2fal) comments")
    RULE_INPUT_DEFAULTS = ("C2F201", None, "`Input()` defaults")
    RULE_LEGACY_INPUTS = ("C2F202", None, "`@cog.input` decorators")
    RULE_PREDICTOR_BASES = ("C2F203", None, "predictor base classes")
    RULE_COG_IMPORTS = ("C2F204", None, "imports of `cog`")

    # ----------------------------------------------------------------- what the rules report
    NO_RUNTIME_STAND_IN = (
        "C2F205", "todo", "Cog name without a stand-in",
        "an import of a Cog name with no stand-in in cog2fal_runtime: replace it")

    # ----------------------------------------------------------------- `cog2fal client`
    CLIENT_CALL_NOT_MOVED = (
        "C2F300", "todo", "Replicate call not moved",
        "`cog2fal client`: a call to Replicate's client it could not move to fal_client (an unknown "
        "model, an API fal lacks): left as it was, with a TODO at its line")
    CLIENT_RUN = ("C2F301", None, "`replicate.run` / `async_run`")
    CLIENT_STREAM = ("C2F302", None, "`replicate.stream` / `async_stream`")
    CLIENT_PREDICTIONS = ("C2F303", None, "predictions on the queue")
    CLIENT_PREDICT = ("C2F304", None, "the old clients' `predict()`")
    CLIENT_TRAININGS = ("C2F305", None, "trainings")
    CLIENT_CLIENTS = ("C2F306", None, "clients with their own token")
    CLIENT_WEBHOOKS = ("C2F307", None, "webhook receivers")
    CLIENT_EXCEPTIONS = ("C2F308", None, "Replicate's exceptions")
    CLIENT_ENVIRONMENT = ("C2F309", None, "the token's environment variable")
    CLIENT_IMPORTS = ("C2F310", None, "imports")


def findings() -> list[Code]:
    """The finding codes, in number order (the rule IDs are documented with their rules)."""
    return sorted((code for code in Code if code.kind == "finding"), key=lambda code: code.value)
