"""Container mode: the cleaned or generated Dockerfile, inlined in the app as its image."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cog2fal.errors import CogProjectError

if TYPE_CHECKING:
    from cog2fal.convert import Conversion, ConvertOptions


def apply_container_mode(conversion: Conversion, root: Path, options: ConvertOptions) -> None:
    raise CogProjectError("container mode is not available yet; use --mode app",
                          conversion.project.config.path)
