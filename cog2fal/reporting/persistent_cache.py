"""The "Weights and caches" section of MIGRATION.md, and the same facts for `--json`."""

from __future__ import annotations

from typing import Any

from cog2fal.writing.persistent_cache import CACHE_MODULE, CachePlan, SiteOutcome


def _cold_start(outcome: SiteOutcome) -> str:
    if not outcome.persisted:
        return "downloaded again at every cold start, as before"
    if outcome.where.endswith("(already on the persistent volume)"):
        return "unchanged: the code already keeps it on the volume"
    if outcome.path is None and "ships with the app" in outcome.where:
        return "unchanged: deployed with the app"
    return "downloaded by the first runner only; later cold starts read it from the volume"


def cache_json(plan: CachePlan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {
        "enabled": plan.enabled,
        "root": plan.root,
        "app_dir": plan.app_dir,
        "paths": plan.paths,
        "caches": plan.caches,
        "large_files": plan.files,
        "pget": plan.pget,
        "cog_weights": plan.cog_weights,
        "sites": [{"location": str(o.site.location), "kind": o.site.kind, "code": o.site.code,
                   "target": o.site.target, "persisted": o.persisted, "where": o.where,
                   "cold_starts": _cold_start(o)} for o in plan.outcomes],
    }


def _table(plan: CachePlan) -> list[str]:
    if not plan.outcomes:
        return []
    lines = ["| where | code | kept at | cold starts |", "|---|---|---|---|"]
    for outcome in plan.outcomes:
        code = outcome.site.code.replace("|", "\\|")
        lines.append(f"| `{outcome.site.location}` | `{code}` | {outcome.where} | {_cold_start(outcome)} |")
    return [*lines, ""]


def cache_section(plan: CachePlan | None) -> list[str]:
    """Markdown lines; none when the model downloads nothing cog2fal found."""
    if plan is None or not (plan.outcomes or plan.files):
        return []
    lines = ["## Weights and caches", ""]
    if not plan.enabled:
        return [*lines, "Converted with `--no-persistent-cache`: what the model downloads stays on "
                "the runner's disk and is downloaded again at every cold start.", "", *_table(plan)]
    lines += [
        f"On fal a runner's disk goes away with the runner. The app keeps what the model downloads "
        f"on fal's persistent volume `{plan.root}` (shared by every runner of your account), so the "
        f"first runner downloads it and later cold starts read it from there: `{CACHE_MODULE}.py`, "
        "called first in `setup()`, does it without changing what your code sees.",
        "",
    ]
    lines += _table(plan)
    lines.append("How it works:")
    lines.append("")
    if plan.paths:
        names = ", ".join(f"`{p}`" for p in plan.paths)
        lines.append(f"- {names}: the first runner of the app runs `setup()` as under Cog, holding a "
                     f"lock file in `{plan.app_dir}`; when it succeeds each folder is copied beside its "
                     "place on the volume and renamed into place (a half-written copy never has the "
                     "final name), then a `.ready` marker is written. Runners that start meanwhile wait "
                     "for the lock; every later runner finds the marker and gets each name as a symlink "
                     "to the volume's copy, so `os.path.exists(...)` checks skip the download.")
    if plan.caches:
        names = ", ".join(f"`{v}`" for v in plan.caches)
        lines.append(f"- {names}: set under `{plan.root}` unless your code, cog.yaml or the runner "
                     "sets them (fal itself sets `HF_HOME=/data/.cache/huggingface`).")
    if plan.pget:
        lines.append("- `pget`: Cog's images have it, fal's runners do not; the app puts a Python `pget` "
                     "on PATH when the runner has none (`URL DEST`, `-x` to extract a tar, `-f`, "
                     "`multifile MANIFEST`).")
    if plan.cog_weights:
        lines.append(f"- `COG_WEIGHTS`: a URL is fetched once into `{plan.app_dir}/cog-weights/`.")
    if plan.files:
        lines.append("- Large files (≥ 10 MB, as Cog's `--separate-weights`) are left out of "
                     "`app_files`, so `fal deploy` does not upload them every time. Upload them once "
                     "with fal's CLI before the first deploy; the app links them from the volume:")
        lines += ["", "```bash", *[f"fal files upload {f} {plan.app_dir}/files/{f}" for f in plan.files],
                  "```"]
    lines += [f"- New weights under the same names? Remove the copy (`fal files rm {plan.app_dir}`) "
              "and the next runner downloads again. `cog2fal convert --no-persistent-cache` turns all "
              "of this off; `--persistent-root DIR` keeps it in another folder.", ""]
    return lines
