"""What `convert` and `inspect` were given: a project folder, or a Cog image opened as one.

Both commands convert a folder; for an image, the folder is the project rebuilt from the image
(`source.py`), the default output folder and app name come from the image's name, and the
image's schema label joins the published schemas the inputs are checked against. The rule that
tells the two apart is in `reference.py`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from cog2fal.codes import Code
from cog2fal.errors import CogProjectError
from cog2fal.images.reference import image_argument
from cog2fal.naming import app_name_from_image


@dataclass
class Argument:
    folder: Path  # what to convert: a project folder or cog.yaml
    default_out: Path
    app_name: str | None = None  # the default app name, when the argument suggests one
    published: list = field(default_factory=list)  # PublishedSchema from the image's label
    image: Any = None  # images.source.ImageProject

    def notes(self) -> list[str]:
        return self.image.notes() if self.image is not None else []

    def report(self, published: list, differences: list) -> dict[str, Any]:
        """What the JSON reports add for this argument: the image, the schema check."""
        from cog2fal.reporting.schema_check import difference_json

        extra: dict[str, Any] = {}
        if self.image is not None:
            extra["model_dir"] = str(self.image.reference)
            extra["image"] = self.image.facts()
        if published:
            extra["schema_check"] = {
                "sources": [schema.source for schema in published],
                "differences": [difference_json(d) for d in differences],
            }
        return extra


def schema_summary(published: list, differences: list) -> str | None:
    """One terminal line on the schema check, or None when no published schema was known."""
    if not published:
        return None
    sources = " and ".join(schema.source for schema in published)
    if not differences:
        return f"inputs agree field by field with the published schema ({sources})"
    count = len(differences)
    return (f"{count} difference{'s' if count != 1 else ''} from the published schema ({sources}): "
            f"see the {Code.SCHEMA_DIFFERS} findings in MIGRATION.md")


@contextlib.contextmanager
def open_argument(text: str | Path, *, image: bool = False,
                  console: Console | None = None) -> Iterator[Argument]:
    """The folder to convert for one command-line argument, for the duration of the `with`."""
    text = str(text)
    reference = image_argument(text, forced=image)
    if reference is None:
        if image:
            raise CogProjectError("not an image reference ([registry/]name[:tag][@sha256:digest])",
                                  text)
        from cog2fal.conversion import default_out_dir

        yield Argument(Path(text), default_out_dir(Path(text)))
        return
    from cog2fal.images.source import image_project

    with image_project(reference, console) as project:
        published = project.published
        argument = Argument(project.folder, Path.cwd() / f"{reference.name}-fal",
                            app_name_from_image(str(reference)),
                            [published] if published else [], project)
        try:
            yield argument
        except CogProjectError as error:
            raise project.place(error) from None
