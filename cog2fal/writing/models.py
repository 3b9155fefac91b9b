"""The pydantic Input and Output models of the fal app, mirroring Cog's schema field by field."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from cog2fal.project import MISSING, Entrypoint, InputField, OutputModel, TypeRef
from cog2fal.writing.pysource import (
    MAX_LINE,
    Imports,
    call,
    identifier,
    in_triple_quotes,
    literal,
    python_name,
)

_PYDANTIC_RESERVED = {"copy", "dict", "json", "schema", "construct", "validate", "fields",
                      "parse_obj", "parse_raw", "parse_file", "from_orm", "update_forward_refs",
                      "model_config", "model_fields", "model_computed_fields", "model_extra",
                      "model_fields_set", "model_construct", "model_copy", "model_dump",
                      "model_dump_json", "model_json_schema", "model_parametrized_name",
                      "model_post_init", "model_rebuild", "model_validate", "model_validate_json",
                      "model_validate_strings"}
# Names the model writers use inside a class body (annotations, defaults): a field of that name
# would shadow them for the fields after it.
_NAMES_IN_MODELS = {"str", "int", "float", "bool", "list", "dict", "None", "Any", "Literal", "FileUrl",
                    "SecretStr", "Field", "File", "BaseModel", "ConfigDict"}


def _needs_rename(name: str) -> bool:
    """Fields published under a name that cannot be the Python attribute of a pydantic model."""
    return (name in _PYDANTIC_RESERVED or name in _NAMES_IN_MODELS or not python_name(name)
            or name.startswith("_"))


@dataclass
class RenderedModels:
    input_class: str
    output_class: str
    chunk_class: str | None = None  # model of one streamed item
    output_is_model: bool = False  # the Cog output was a BaseModel: fields are passed through
    file_inputs: dict[str, str] = field(default_factory=dict)  # name → "path" | "file" | "secret"
    runtime_defaults: list[str] = field(default_factory=list)  # optional here, default in the code
    aliases: dict[str, str] = field(default_factory=dict)
    files_constant: str = "FILE_INPUTS"


def input_annotation(type_ref: TypeRef, imports: Imports) -> str:
    kind = type_ref.kind
    if kind in ("str", "int", "float", "bool"):
        return kind
    if kind in ("path", "file"):
        return "FileUrl"
    if kind == "secret":
        imports.add("pydantic", "SecretStr")
        return "SecretStr"
    if kind == "dict":
        imports.add("typing", "Any")
        return "dict[str, Any]"
    if kind == "list":
        return f"list[{input_annotation(type_ref.inner, imports)}]"
    if kind == "optional":
        return f"{input_annotation(type_ref.inner, imports)} | None"
    if kind == "union" and type_ref.args:
        return " | ".join(input_annotation(a, imports) for a in type_ref.args)
    imports.add("typing", "Any")
    return "Any"


def output_annotation(type_ref: TypeRef, imports: Imports) -> str:
    kind = type_ref.kind
    if kind in ("str", "int", "float", "bool"):
        return kind
    if kind in ("path", "file"):
        return imports.use("fal.toolkit", "File")
    if kind == "secret":
        return "str"
    if kind == "none":
        return "None"
    if kind == "model":
        return type_ref.name or "Any"
    if kind in ("list", "iterator", "concatenate"):
        return f"list[{output_annotation(type_ref.inner, imports)}]"
    if kind == "optional":
        return f"{output_annotation(type_ref.inner, imports)} | None"
    if kind == "union" and type_ref.args:
        return " | ".join(output_annotation(a, imports) for a in type_ref.args)
    if kind == "dict":
        imports.add("typing", "Any")
        return "dict[str, Any]"
    imports.add("typing", "Any")
    return "Any"


def _file_kind(type_ref: TypeRef) -> str | None:
    kind = type_ref.kind
    if kind in ("list", "optional"):
        return _file_kind(type_ref.inner)
    if kind in ("path", "file", "secret"):
        return kind
    return None


def _input_field(spec: InputField, imports: Imports, models: RenderedModels,
                 taken: frozenset[str] = frozenset()) -> str:
    annotation = input_annotation(spec.type, imports)
    if spec.choices is not None:
        imports.add("typing", "Literal")
        annotation = f"Literal[{', '.join(literal(c) for c in spec.choices)}]"
        if len(annotation) > MAX_LINE - 30:  # one choice per line, as a formatter would
            annotation = "Literal[\n" + "".join(f"        {literal(c)},\n" for c in spec.choices) + "    ]"
        if spec.type.kind == "optional":
            annotation = f"{annotation} | None"
    args: list[str] = []
    if spec.default is not MISSING:
        default = literal(spec.default)
        if isinstance(spec.default, str) and spec.type.kind in ("secret", "optional") and \
                _file_kind(spec.type) == "secret":  # published masked, the model still gets it
            imports.add("pydantic", "SecretStr")
            default = f"SecretStr({default})"
        args.append(f"default={default}")
    elif spec.optional_by_none_default or spec.default_source:
        if spec.type.kind != "optional":
            annotation = f"{annotation} | None"
        args.append("default=None")
    if spec.description is not None:
        args.append(f"description={literal(spec.description)}")
    for key, attr in (("ge", "ge"), ("le", "le"), ("min_length", "min_length"),
                      ("max_length", "max_length"), ("pattern", "regex")):
        value = getattr(spec, attr)
        if value is not None:
            args.append(f"{key}={literal(value)}")
    if spec.deprecated:
        args.append("deprecated=True")
    name = spec.name
    if _needs_rename(name):  # renamed in the code only: the alias is the published name
        python = identifier(name).strip("_") or "field"
        python = python + "_" if python_name(python + "_") else f"field_{python}"
        while python in taken or _needs_rename(python):
            python += "_"
        models.aliases[name] = python
        args.append(f"alias={literal(name)}")
        name = python
    if len(args) == 1 and args[0].startswith("default="):
        return f"    {name}: {annotation} = {args[0].removeprefix('default=')}"
    if not args:
        return f"    {name}: {annotation}"
    imports.add("pydantic", "Field")
    return f"    {name}: {annotation} = " + call("Field", args, "    ", prefix=f"{name}: {annotation} = ")


def render_input_model(name: str, entry: Entrypoint, imports: Imports, models: RenderedModels,
                       doc: str) -> str:
    imports.add("pydantic", "BaseModel")
    body = []
    for spec in entry.inputs:
        taken = frozenset(s.name for s in entry.inputs) | frozenset(models.aliases.values())
        body.append(_input_field(spec, imports, models, taken))
        kind = _file_kind(spec.type)
        if kind:
            models.file_inputs[spec.name] = kind
        if spec.default_source and spec.default is MISSING:
            models.runtime_defaults.append(spec.name)
    lines = [f"class {name}(BaseModel):", f'    """{doc}"""', ""]
    if any(spec.name.startswith("model_") for spec in entry.inputs) or models.aliases:
        imports.add("pydantic", "ConfigDict")
        lines += ["    model_config = ConfigDict(protected_namespaces=(), populate_by_name=True)", ""]
    if not body:  # the docstring is the class body
        lines.pop()
    return "\n".join(lines + body)


def render_output_models(
    entry: Entrypoint, imports: Imports, output_class: str,
    already: frozenset[str] | set[str] = frozenset(),
) -> tuple[str, str, bool, str | None]:
    """Output classes: Cog's own BaseModel(s) mirrored (except those in `already`, rendered for
    another entrypoint), or a single `output` field."""
    imports.add("pydantic", "BaseModel")
    blocks: list[str] = []
    for model in _ordered_models(entry):
        if model.name in already:
            continue
        blocks.append(_model_class(model, imports, model.name))
    chunk = None
    if entry.output.kind == "model" and entry.output.name:
        return "\n\n\n".join(blocks), entry.output.name, True, None
    annotation = output_annotation(entry.output, imports)
    doc = _output_doc(entry)
    blocks.append(f'class {output_class}(BaseModel):\n    """{doc}"""\n\n    output: {annotation}')
    if entry.streams:
        chunk = f"{output_class}Chunk"
        inner = output_annotation(entry.output.inner, imports)
        blocks.append(f'class {chunk}(BaseModel):\n    """One server-sent event of the stream '
                      f'endpoint."""\n\n    output: {inner}')
    return "\n\n\n".join(blocks), output_class, False, chunk


def _output_doc(entry: Entrypoint) -> str:
    if entry.streams:
        if entry.output.kind == "concatenate":
            return "The tokens the model produced, in order; join them for the full text."
        return "Every item the model produced, in order."
    return in_triple_quotes(f"What the Cog model returned (`{entry.output.describe()}`).")


def _ordered_models(entry: Entrypoint) -> list[OutputModel]:
    """Nested models first, so that every class is defined before it is used."""
    ordered: list[OutputModel] = []

    def visit(name: str) -> None:
        model = entry.output_models.get(name)
        if model is None or model in ordered:
            return
        for spec in model.fields:
            for dependency in spec.type.model_names():
                visit(dependency)
        ordered.append(model)

    for name in entry.output_models:
        visit(name)
    return ordered


def _model_class(model: OutputModel, imports: Imports, name: str) -> str:
    doc = f'    """`{in_triple_quotes(model.name)}` of the Cog model, with files as fal File objects."""'
    lines = [f"class {name}(BaseModel):", doc]
    if model.fields:
        lines.append("")
    for spec in model.fields:
        annotation = output_annotation(spec.type, imports)
        default = ""
        if spec.has_default and spec.default_source and _is_literal(spec.default_source):
            default = f" = {_literal_source(spec.default_source)}"
        elif spec.type.kind == "optional" or spec.has_default:
            # Cog ≤ 0.16 (pydantic) let an Optional field without a default be left out.
            if spec.type.kind != "optional":
                annotation = f"{annotation} | None"
            default = " = None"
        lines.append(f"    {spec.name}: {annotation}{default}")
    return "\n".join(lines)


def _literal_source(source: str) -> str:
    """A literal default as written when it is one line, else re-written on one line (a
    multi-line source pasted at another indentation would not compile)."""
    if "\n" not in source and "\r" not in source:
        return source
    value = ast.literal_eval(source)
    return literal(value) if isinstance(value, (str, float)) else repr(value)


def _is_literal(source: str) -> bool:
    try:
        ast.literal_eval(source)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True
