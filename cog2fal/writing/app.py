"""Renders `fal_app.py`: the Input/Output models, the app's options and thin endpoints.

The model code is not copied in here: it ships next to the app and is imported in `setup()` on
the runner, so the app file loads on a machine that has only fal installed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cog2fal import __version__
from cog2fal.project import Entrypoint, Project
from cog2fal.writing.models import RenderedModels, render_input_model, render_output_models
from cog2fal.writing.persistent_cache import CACHE_MODULE, CachePlan, persistent_call
from cog2fal.writing.pysource import MAX_LINE, Imports, call, in_triple_quotes, literal
from cog2fal.writing.runtime_module import RUNTIME


@dataclass
class AppPlan:
    """Decisions made before rendering (names, machine, what ships), kept in one place."""

    app_name: str
    class_name: str
    machine_type: str
    requirements: list[str]
    app_files: list[str] = field(default_factory=list)
    mode: str = "app"  # "app" | "container"
    dockerfile: str | None = None  # container mode: the Dockerfile text, inlined
    environment: dict[str, str] = field(default_factory=dict)
    billing_metric: str | None = None
    max_multiplexing: int | None = None
    model_root: str | None = None  # container mode: where the image holds the model code
    cache: CachePlan | None = None  # what is kept on the persistent volume (None: nothing)


def _endpoint_body(entry: Entrypoint, attr: str, models: RenderedModels, plan: AppPlan,
                   imports: Imports, *, stream: bool) -> list[str]:
    """The lines inside an endpoint: prepare inputs, call the model, encode what it returns."""
    call_expr = f"self.{attr}" + ("" if entry.kind == "function" else f".{entry.method}") + "(**kwargs)"
    values = "input.model_dump(by_alias=True)" if models.aliases else "input.model_dump()"
    file_map = models.files_constant if models.file_inputs else "{}"
    prepare_args = [values, file_map, imports.use("fal.toolkit", "download_file")]
    if models.runtime_defaults:
        # Optional here because Cog computed their default at run time: omitted → the code's default.
        prepare_args.append(f"omit_if_none={literal(models.runtime_defaults)}")

    def with_prepared(indent: str, before: str = "") -> list[str]:
        """`with ...prepared_inputs(...) as kwargs:`, wrapped when too long for one line."""
        head = f"{indent}with {before}{RUNTIME}.prepared_inputs("
        one = f"{head}{', '.join(prepare_args)}) as kwargs:"
        if len(one) + 8 <= MAX_LINE:  # 8: the class and method indentation
            return [one]
        return [head, f"{indent}    {', '.join(prepare_args)}", f"{indent}) as kwargs:"]

    billing = plan.billing_metric and not stream
    lines = [f"import {RUNTIME}", ""]
    if stream:
        chunk = models.chunk_class
        item_expr = f"{chunk}(output={RUNTIME}.encode_output(item, {_upload(imports)}))"
        if entry.output.is_async or entry.is_async:
            lines += [
                "async def events():",
                *with_prepared("    "),
                f"        async for item in {call_expr}:",
                f"            chunk = {item_expr}",
                '            yield f"data: {chunk.model_dump_json()}\\n\\n"',
            ]
        else:
            lines += [
                "def events():",
                *with_prepared("    "),
                f"        for item in {call_expr}:",
                f"            chunk = {item_expr}",
                '            yield f"data: {chunk.model_dump_json()}\\n\\n"',
            ]
        lines += ["", 'return StreamingResponse(events(), media_type="text/event-stream")']
        return lines
    if billing:
        lines.extend(with_prepared("", f"{RUNTIME}.request_scope() as scope, "))
    else:
        lines.extend(with_prepared(""))
    if entry.streams:
        # Each item is encoded as it is produced, as Cog did: models often reuse one file path.
        loop = "async for" if entry.output.is_async or entry.is_async else "for"
        lines += [
            "    outputs = []",
            f"    {loop} item in {call_expr}:",
            f"        outputs.append({RUNTIME}.encode_output(item, {_upload(imports)}))",
            f"    output = {models.output_class}(output=outputs)",
        ]
    else:
        awaited = "await " if entry.is_async else ""
        lines.append(f"    result = {awaited}{call_expr}")
        encoded = f"{RUNTIME}.encode_output(result, {_upload(imports)})"
        if models.output_is_model:
            lines.append(f"    output = {models.output_class}.model_validate({encoded})")
        else:
            lines.append(f"    output = {models.output_class}(output={encoded})")
    if billing:
        units = f"scope.metrics.get({literal(plan.billing_metric)}, 0)"
        lines.append(f'response.headers["x-fal-billable-units"] = str({units})')
    lines.append("return output")
    return lines


def _upload(imports: Imports) -> str:
    """The app's upload helper: `upload`, unless the project has a class of that name."""
    return "upload" if "upload" not in imports.taken else "upload_output"


def _free(name: str, taken: set[str]) -> str:
    """A generated class name the project does not use (`Output` → `FalOutput`)."""
    while name in taken:
        name = "Fal" + name
    return name


def _indented(lines: list[str]) -> list[str]:
    return ["    " + line if line else "" for line in lines]


def _endpoints(entry: Entrypoint, attr: str, path: str, name: str, models: RenderedModels,
               plan: AppPlan, imports: Imports) -> list[str]:
    is_async = entry.is_async or entry.output.is_async
    prefix = "async def" if is_async else "def"
    params = f"self, input: {models.input_class}"
    if plan.billing_metric:
        imports.add("fastapi", "Response")
        params += ", response: Response"
    blocks = [
        [f'@{imports.local_module("fal")}.endpoint("{path}")',
         f"{prefix} {name}({params}) -> {models.output_class}:",
         *_indented(_endpoint_body(entry, attr, models, plan, imports, stream=False))],
    ]
    if entry.streams:
        imports.add("fastapi.responses", "StreamingResponse")
        stream_path = "/stream" if path == "/" else f"{path}/stream"
        stream_name = "stream" if path == "/" else f"{name}_stream"
        blocks.append(
            [f'@{imports.local_module("fal")}.endpoint("{stream_path}")',
             f"{prefix} {stream_name}(self, input: {models.input_class}) -> StreamingResponse:",
             '    """Streams each item as a server-sent event: `data: {"output": item}`."""',
             *_indented(_endpoint_body(entry, attr, models, plan, imports, stream=True))])
    return ["\n".join("    " + line if line else "" for line in block) for block in blocks]


def _setup(project: Project, plan: AppPlan) -> list[str]:
    entries = [(project.predictor, "predictor")] + ([(project.trainer, "trainer")] if project.trainer else [])
    is_async = any(e.setup_is_async for e, _ in entries)
    lines = [f"{'async def' if is_async else 'def'} setup(self) -> None:"]
    if plan.mode == "container":
        lines.append(f"    # The image holds the model code in {plan.model_root} (see the Dockerfile).")
    else:
        lines.append("    # Runs on the runner: the model code ships with the app (app_files) and is")
        lines.append("    # imported from its own folder, as under Cog's /src, so its module-level code")
        lines.append("    # runs here.")
    if plan.mode == "container":
        lines += ["    import sys", "", f"    sys.path.insert(0, {literal(plan.model_root)})"]
    cache = plan.cache if plan.cache is not None and plan.cache.active else None
    if cache is not None:
        lines.append(f"    import {CACHE_MODULE}")
    lines.append(f"    import {RUNTIME}")
    lines.append("")
    indent = "    "
    if cache is not None:
        lines.append("    # What the model downloads is kept on fal's persistent volume: a runner downloads")
        lines.append("    # it once, not at every cold start (see MIGRATION.md, \"Weights and caches\").")
        lines += [indent + line for line in persistent_call(cache, plan.model_root)]
        indent += "    "
    for entry, attr in entries:
        args = [literal(entry.file), literal(entry.name)]
        if plan.environment and plan.mode != "container":  # the image's ENV has them otherwise
            args.append("environment=ENVIRONMENT")
        if plan.model_root:
            args.append(f"root={literal(plan.model_root)}")
        # `call` wants the line's real indentation: the class body's four spaces come on top.
        lines.append(f"{indent}self.{attr} = " + call(f"{RUNTIME}.load_predictor", args, "    " + indent,
                                                     prefix=f"self.{attr} = "))
        if entry.has_setup:
            awaited = "await " if entry.setup_is_async else ""
            weights = ""
            if entry.setup_weights:
                weights = "cache.cog_weights(download_file)" if cache is not None and cache.cog_weights \
                    else f"{RUNTIME}.weights_from_env(download_file)"
            lines.append(f"{indent}{awaited}self.{attr}.setup({weights})")
    return lines


def render_app(project: Project, plan: AppPlan) -> str:
    predictor = project.predictor
    trainer = project.trainer
    taken = set(predictor.output_models) | (set(trainer.output_models) if trainer else set())
    imports = Imports(taken)
    fal_module = imports.module("fal")

    models = RenderedModels(_free("Input", taken), _free("Output", taken))
    input_src = render_input_model(models.input_class, predictor, imports, models,
                                   "Inputs of the prediction, as the Cog predictor declared them.")
    output_src, models.output_class, models.output_is_model, models.chunk_class = \
        render_output_models(predictor, imports, models.output_class)
    sections = [input_src, output_src]

    train_models = None
    if trainer is not None:
        train_models = RenderedModels(_free("TrainingInput", taken), _free("TrainingOutput", taken),
                                      files_constant="TRAINING_FILE_INPUTS")
        sections.append(render_input_model(train_models.input_class, trainer, imports, train_models,
                                           "Inputs of a training run (Cog's `train:`)."))
        train_src, train_models.output_class, train_models.output_is_model, train_models.chunk_class = \
            render_output_models(trainer, imports, train_models.output_class, set(predictor.output_models))
        if train_src.strip():
            sections.append(train_src)

    constants = _constants(plan, models, train_models, imports)
    file_inputs = bool(models.file_inputs or (train_models and train_models.file_inputs))
    helpers = _helpers(imports, file_inputs)

    body = [_options(plan, imports)]
    body.append("\n".join("    " + line if line else "" for line in _setup(project, plan)))
    body.extend(_endpoints(predictor, "predictor", "/", "predict", models, plan, imports))
    if trainer is not None and train_models is not None:
        body.extend(_endpoints(trainer, "trainer", "/train", "train", train_models, plan, imports))
    app_class = f"class {plan.class_name}({fal_module}.App, name={literal(plan.app_name)}):\n" + \
        f'    """{_app_doc(project)}"""\n\n' + "\n\n".join(body)

    header = _module_doc(project, models)
    rest = [p.strip("\n") for p in [*constants, *helpers, *sections, app_class] if p.strip()]
    # isort's rule: two blank lines after the imports before a def/class, one before anything else.
    gap = "\n\n\n" if rest[0].startswith(("def ", "class ")) else "\n\n"
    return header + "\n\n" + imports.render() + gap + "\n\n\n".join(rest) + "\n"


def _module_doc(project: Project, models: RenderedModels) -> str:
    predictor = project.predictor
    shape = ("Responses carry the fields of the Cog model's output class" if models.output_is_model
             else 'Responses are `{"output": ...}`, holding what the Cog predictor returned')
    lines = [
        f'"""fal app converted from the Cog project `{in_triple_quotes(str(project.config.predict))}` '
        f'by cog2fal {__version__}.',
        "",
        f"{shape};",
        "files come back as fal File objects (url, content_type, file_name, file_size).",
    ]
    if predictor.streams:
        lines.append('`/stream` sends each item as it is produced: `data: {"output": item}` events.')
    if project.trainer is not None:
        lines.append("`/train` runs the Cog trainer.")
    lines += ["See MIGRATION.md for what changed and what to check before `fal deploy`.", '"""']
    return "\n".join(lines)


def _app_doc(project: Project) -> str:
    entry = project.predictor
    what = f"`{entry.name}.{entry.method}()`" if entry.kind == "class" else f"`{entry.name}()`"
    return in_triple_quotes(f"Serves {what} from `{entry.file}`.")


def _options(plan: AppPlan, imports: Imports) -> str:
    lines = [f"    machine_type = {literal(plan.machine_type)}"]
    if plan.mode == "container":
        container_image = imports.use("fal", "ContainerImage")
        os_module = imports.module("os")
        lines.append(f"    image = {container_image}.from_dockerfile_str(")
        lines.append("        DOCKERFILE,")
        lines.append(f"        context_dir={os_module}.path.dirname({os_module}.path.abspath(__file__)),")
        lines.append("    )")
    if plan.requirements:
        class_var = imports.use("typing", "ClassVar")
        items = "".join(f"        {literal(r)},\n" for r in plan.requirements)
        lines.append(f"    requirements: {class_var}[list[str]] = [\n{items}    ]")
    if plan.app_files and plan.mode != "container":
        class_var = imports.use("typing", "ClassVar")
        items = "".join(f"        {literal(f)},\n" for f in plan.app_files)
        lines.append(f"    app_files: {class_var}[list[str]] = [\n{items}    ]")
    if plan.max_multiplexing:
        lines.append(f"    max_multiplexing = {plan.max_multiplexing}  # Cog's concurrency.max")
    return "\n".join(lines)


def _constants(plan: AppPlan, models: RenderedModels, train_models: RenderedModels | None,
               imports: Imports) -> list[str]:
    blocks = []
    if plan.mode == "container" and plan.dockerfile is not None:
        blocks.append("# The Cog build environment, cleaned of Cog's runtime (see MIGRATION.md).\n"
                      f"DOCKERFILE = {_triple_quoted(plan.dockerfile)}")
    if plan.environment and plan.mode != "container":
        items = "".join(f"    {literal(k)}: {literal(v)},\n" for k, v in plan.environment.items())
        comment = "# cog.yaml `environment`, set on the runner before the model code loads."
        blocks.append(f"{comment}\nENVIRONMENT = {{\n{items}}}")
    for rendered in (models, train_models):
        if rendered and rendered.file_inputs:
            items = "".join(f"    {literal(k)}: {literal(v)},\n" for k, v in rendered.file_inputs.items())
            blocks.append(f"# Inputs the model receives as files (downloaded) or secrets, not plain values.\n"
                          f"{rendered.files_constant} = {{\n{items}}}")
    return blocks


def _helpers(imports: Imports, file_inputs: bool) -> list[str]:
    """`FileUrl` when there are file inputs; `upload` always (any output may hold files)."""
    blocks = []
    if file_inputs:
        imports.add("typing", "Annotated")
        imports.add("pydantic", "AfterValidator", "WithJsonSchema")
        blocks.append('''def _file_url(value: str) -> str:
    if not value.startswith(("http://", "https://", "data:")):
        raise ValueError("must be an http(s):// or data: URL")
    return value


# Files are passed as URLs, as on Replicate; the schema says `format: uri` like Cog's.
FileUrl = Annotated[
    str, AfterValidator(_file_url), WithJsonSchema({"type": "string", "format": "uri"})
]''')
    mimetypes = imports.module("mimetypes")
    path = imports.use("pathlib", "Path")
    audio, file, image, video = (imports.use("fal.toolkit", name)
                                 for name in ("Audio", "File", "Image", "Video"))
    blocks.append(f'''def {_upload(imports)}(path: {path}) -> {file}:
    """Uploads an output file typed by its suffix (`File.from_path` alone says octet-stream)."""
    content_type = {mimetypes}.guess_type(path.name)[0] or "application/octet-stream"
    media = {{"image": {image}, "audio": {audio}, "video": {video}}}.get(content_type.split("/")[0], {file})
    return media.from_path(path, content_type=content_type)''')
    return blocks


def _triple_quoted(text: str) -> str:
    return f'"""\\\n{in_triple_quotes(text, keep_newlines=True)}"""'
