"""Reads a whole Cog project: cog.yaml, the predictor and the trainer, into a `Project`."""

from __future__ import annotations

from pathlib import Path

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.project import Finding, Location, Project
from cog2fal.reading.config import find_config, read_config, split_ref
from cog2fal.reading.predictor import PredictorAnalyzer
from cog2fal.reading.project_paths import missing_file_hint, project_path
from cog2fal.reading.source import SourceFile, parse_source


def _source(root: Path, relative: str, config_path: str, line: int | None,
            cache: dict[str, SourceFile]) -> SourceFile:
    if relative not in cache:
        path = root / relative
        if not path.is_file():
            raise CogProjectError(f"predictor file `{relative}` does not exist"
                                  f"{missing_file_hint(root, relative)}", config_path, line)
        cache[relative] = parse_source(path, relative)
    return cache[relative]


def read_project(model_dir: Path, sources: dict[str, SourceFile] | None = None) -> Project:
    """`sources` collects the parsed files so the writers reuse the same trees."""
    config_path = find_config(model_dir)
    root = config_path.parent
    config = read_config(config_path, config_path.name)
    sources = {} if sources is None else sources
    findings: list[Finding] = list(config.notes)

    file, name = split_ref(config.predict or "", config, "predict")
    file = project_path(root, file, "`predict` file", (config.path, config.line_of("predict")))
    source = _source(root, file, config.path, config.line_of("predict"), sources)
    predictor = PredictorAnalyzer(source, config, findings).analyze(name, "predict")

    trainer = None
    if config.train:
        file, name = split_ref(config.train, config, "train")
        file = project_path(root, file, "`train` file", (config.path, config.line_of("train")))
        if not (root / file).is_file():
            findings.append(Finding(
                Code.MISSING_TRAIN_FILE, f"`train: {config.train}` names a file that is not in the project; "
                "no /train endpoint", Location(config.path, config.line_of("train") or 1)))
        else:
            source = _source(root, file, config.path, config.line_of("train"), sources)
            trainer = PredictorAnalyzer(source, config, findings).analyze(name, "train")
    return Project(str(root), config, predictor, trainer, findings)
