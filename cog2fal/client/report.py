"""What a `cog2fal client` run tells: per file, each call site rewritten or flagged with its
line, as text or as JSON."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field

from cog2fal.client.sites import FileResult


@dataclass
class RunReport:
    files: list[FileResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # `file:line: message`
    helpers: list[str] = field(default_factory=list)  # helper modules written (or to write)

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.text is not None]

    def counts(self) -> dict[str, int]:
        sites = [s for f in self.files for s in f.sites]
        return {"files_scanned": len(self.files) + len(self.errors), "files_changed": len(self.changed),
                "rewritten": sum(s.status == "rewritten" for s in sites),
                "flagged": sum(s.status == "flagged" for s in sites), "errors": len(self.errors)}

    def json(self, mode: str, diff: str | None = None) -> str:
        """The report; with `--diff`, the unified diff as one string under `diff`."""
        return json.dumps({
            "mode": mode,
            **self.counts(),
            "files_changed_list": [f.path for f in self.changed],
            "helper_files": self.helpers,
            "sites": [s.json() for f in self.files for s in f.sites],
            "errors": self.errors,
            **({"diff": diff} if diff is not None else {}),
        }, indent=2)

    def print_text(self, mode: str) -> None:
        """Errors on stderr, one line each; flagged sites as `file:line: TODO ...` and a summary."""
        for error in self.errors:
            sys.stderr.write(f"error: {error}\n")
        for result in self.files:
            for site in result.sites:
                if site.status == "flagged":
                    print(f"{site.file}:{site.line}: TODO {site.api}: {site.detail}")
        counts = self.counts()
        verb = {"write": "rewrote", "check": "would rewrite", "diff": "would rewrite"}[mode]
        helpers = f"; helper module {', '.join(self.helpers)}" if self.helpers else ""
        print(f"{verb} {counts['files_changed']} file(s): {counts['rewritten']} call site(s) rewritten, "
              f"{counts['flagged']} flagged with a TODO{helpers}",
              file=sys.stderr if mode == "diff" else sys.stdout)
