"""What the converted app keeps on fal's persistent /data, decided from the download sites.

Each site found by `reading/downloads.py` gets an outcome: the project path the runtime
publishes and links (`model-cache` → /data/cog2fal/<app>/paths/model-cache), the library cache
variable it points under the root by default (HF_HOME, TORCH_HOME), already on /data, or not
persisted (computed at run time, outside the model folder, or a folder that holds code) with the
reason. `files` are large project files left out of the deploy and read from /data instead.
"""

from __future__ import annotations

import mimetypes
import posixpath
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from cog2fal.codes import Code
from cog2fal.conversion import Contribution
from cog2fal.project import DownloadSite, Finding, Location, Project
from cog2fal.reading.downloads import HF_VARIABLES
from cog2fal.shipping import app_files_entries

CACHE_MODULE = "cog2fal_cache"
DEFAULT_ROOT = "/data"  # fal.toolkit.FAL_PERSISTENT_DIR
# Cog's --separate-weights rule: files this large that are not code or media are weights.
LARGE_FILE = 10 * 1024 * 1024
_CODE_SUFFIXES = {".py", ".pyi", ".ipynb", ".sh", ".txt", ".md", ".json", ".yaml", ".yml", ".toml",
                  ".cfg", ".ini", ".js", ".ts", ".html", ".css"}
# Where default library caches go under the root: the place fal itself gives HF_HOME.
_DEFAULT_CACHES = {"HF_HOME": ".cache/huggingface", "TORCH_HOME": ".cache/torch"}


@dataclass
class SiteOutcome:
    site: DownloadSite
    persisted: bool
    where: str  # where the files live on the runner now, or why not
    path: str | None = None  # the project path the runtime links, if any


@dataclass
class CachePlan:
    app_name: str
    root: str = DEFAULT_ROOT
    custom_root: bool = False  # --persistent-root given: the app names it
    enabled: bool = True  # False: --no-persistent-cache (the sites are still reported)
    mode: str = "app"  # "app" | "container": large files are left out of app mode deploys only
    paths: list[str] = field(default_factory=list)
    caches: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    pget: bool = False
    cog_weights: bool = False
    outcomes: list[SiteOutcome] = field(default_factory=list)

    @property
    def app_dir(self) -> str:
        return f"{self.root.rstrip('/')}/cog2fal/{self.app_name}"

    @property
    def active(self) -> bool:
        return bool(self.paths or self.caches or self.files or self.pget or self.cog_weights)

    def stored(self, path: str) -> str:
        if path.startswith("/"):
            return f"{self.app_dir}/absolute{path}"
        return f"{self.app_dir}/paths/{path}"


def _under(path: str, root: str) -> bool:
    root = root.rstrip("/")
    return path == root or path.startswith(root + "/")


def large_files(root: Path, files: list[str]) -> list[str]:
    """Files Cog would have put in its weights image: ≥ 10 MB, not code or media, in a folder
    without Python files."""
    code_folders = {posixpath.dirname(f) for f in files if f.endswith(".py")}
    found = []
    for relative in files:
        suffix = posixpath.splitext(relative)[1].lower()
        kind = (mimetypes.guess_type(relative)[0] or "").split("/")[0]
        if suffix in _CODE_SUFFIXES or kind in ("image", "audio", "video") or \
                posixpath.dirname(relative) in code_folders:
            continue
        try:
            if (root / relative).stat().st_size >= LARGE_FILE:
                found.append(relative)
        except OSError:
            continue
    return found


class _Planner:
    def __init__(self, plan: CachePlan, project: Project, shipped: list[str], mode: str):
        self.plan, self.project, self.mode = plan, project, mode
        self.code_folders = {posixpath.dirname(f) for f in shipped if f.endswith(".py")}
        self.shipped = shipped
        self.set_variables = {s.variable for s in project.downloads
                              if s.kind == "cache_variable" and s.variable}
        self.constant_folders: dict[str, list[str]] = {}
        for site in project.downloads:
            if site.kind == "folder_constant" and site.target and not site.target.startswith("/"):
                self.constant_folders.setdefault(site.location.file, []).append(site.target)

    def outcome(self, site: DownloadSite) -> SiteOutcome:
        plan = self.plan
        if site.kind == "setup_weights":
            plan.cog_weights = True
            return SiteOutcome(site, True, f"{plan.app_dir}/cog-weights/ (a COG_WEIGHTS URL is fetched once)")
        if site.kind in ("pget", "pget_manifest"):
            plan.pget = True
        if site.kind == "pget_manifest":
            return SiteOutcome(site, False, "pget runs; the manifest's destinations are read at run "
                               "time, not resolved: point them into a persisted folder")
        if site.kind in ("huggingface", "torch_hub"):
            return self._library_cache(site)
        target = site.target if site.kind == "cache_variable" else site.folder
        if target is None:
            kept = self.constant_folders.get(site.location.file)
            if kept:
                folders = ", ".join(f"`{f}`" for f in kept)
                return SiteOutcome(site, False, "computed at run time, not resolved: kept only if it "
                                   f"writes into a kept folder ({folders}), else it stays on the "
                                   "runner's disk")
            return SiteOutcome(site, False, "computed at run time, not resolved: it stays on the "
                               "runner's disk; point it under /data yourself")
        if site.kind == "cache_variable" and site.location.file == self.project.config.path and \
                _under(target, "/src"):
            target = target[len("/src"):].lstrip("/") or "."  # cog.yaml: Cog's code folder is the app's
        if target == "." and site.extract and self.constant_folders.get(site.location.file):
            kept = ", ".join(f"`{f}`" for f in self.constant_folders[site.location.file])
            return SiteOutcome(site, True, f"unpacks into the model folder: kept as the folders the "
                               f"code names ({kept})")
        if target == "." and site.target is not None and site.kind not in ("cache_variable",
                                                                            "folder_constant",
                                                                            "cache_argument"):
            target = site.target  # a file in the model folder itself: the file is linked
        return self._path(site, target)

    def _library_cache(self, site: DownloadSite) -> SiteOutcome:
        variable = site.variable or "HF_HOME"
        family = HF_VARIABLES if variable == "HF_HOME" else (variable,)
        set_by_project = sorted(self.set_variables & set(family))
        if set_by_project:
            return SiteOutcome(site, True, f"the cache the project sets with {set_by_project[0]} "
                               "(see that line)")
        self.plan.caches[variable] = _DEFAULT_CACHES[variable]
        return SiteOutcome(site, True, f"{self.plan.root.rstrip('/')}/{_DEFAULT_CACHES[variable]} "
                           f"({variable}, unless the runner sets it)")

    def _path(self, site: DownloadSite, target: str) -> SiteOutcome:
        plan = self.plan
        if _under(target, plan.root) or _under(target, DEFAULT_ROOT):
            return SiteOutcome(site, True, f"{target} (already on the persistent volume)")
        path = posixpath.normpath(target)
        if posixpath.basename(path) in ("tmp", "temp"):
            return SiteOutcome(site, False, f"`{path}` is a temporary folder: not persisted")
        if not path.startswith("/"):
            if path == "." or path.startswith(".."):
                return SiteOutcome(site, False, f"`{target}` is the model folder or outside it: not "
                                   "persisted")
            if site.kind == "folder_constant" and any(f.startswith(path + "/") for f in self.shipped):
                return SiteOutcome(site, True, f"`{path}/` ships with the app: read from the app's "
                                   "folder, nothing to download")
            if any(folder == path or folder.startswith(path + "/") for folder in self.code_folders):
                return SiteOutcome(site, False, f"`{path}` holds the project's Python code: not "
                                   "persisted (the code must come with each deploy)")
        return SiteOutcome(site, True, plan.stored(path), path)


def plan_cache(project: Project, root_dir: Path, shipped: list[str], *, app_name: str, mode: str,
               enabled: bool = True, root: str | None = None) -> CachePlan:
    """The persistent-cache decisions for one conversion (an inactive plan when disabled)."""
    plan = CachePlan(app_name, (root or DEFAULT_ROOT).rstrip("/") or "/", custom_root=root is not None,
                     enabled=enabled, mode=mode)
    if not enabled:
        plan.outcomes = [SiteOutcome(s, False, "stays on the runner's disk (--no-persistent-cache)")
                         for s in project.downloads]
        return plan
    planner = _Planner(plan, project, shipped, mode)
    for site in project.downloads:
        plan.outcomes.append(planner.outcome(site))
    paths = sorted({o.path for o in plan.outcomes if o.path})
    # A path inside another persisted path travels with it.
    plan.paths = [p for p in paths if not any(p != q and p.startswith(q.rstrip("/") + "/") for q in paths)]
    if mode == "app":
        plan.files = large_files(root_dir, shipped)
    return plan


def cache_contribution(plan: CachePlan, root_dir: Path, shipped: list[str]) -> Contribution:
    """The plan for the app, the runtime module when it is used, the findings, and in app mode
    `app_files` with the module added and the large files left out."""
    decisions: dict[str, object] = {"cache": plan}
    files: dict[str, bytes] = {}
    if plan.active:
        module = f"{CACHE_MODULE}.py"
        files[module] = resources.files("cog2fal.writing.support").joinpath(module).read_bytes()
        if plan.mode == "app":
            decisions["app_files"] = app_files_entries(sorted([*shipped, module]), set(plan.files))
    return Contribution(plan=decisions, files=files, findings=tuple(cache_findings(plan, root_dir)))


def persistent_call(plan: CachePlan, base: str | None = None) -> list[str]:
    """`with cog2fal_cache.persistent(...) as cache:`, one argument a line, for setup()."""
    from cog2fal.writing.pysource import MAX_LINE, literal

    args = [literal(plan.app_name)]
    if plan.custom_root:
        args.append(f"root={literal(plan.root)}")
    if base is not None:
        args.append(f"base={literal(base)}")
    if plan.paths:
        args.append(f"paths={literal(plan.paths)}")
    if plan.caches:
        args.append(f"caches={literal(plan.caches)}")
    if plan.files:
        args.append(f"files={literal(plan.files)}")
    if plan.pget:
        args.append("pget=True")
    end = " as cache:" if plan.cog_weights else ":"
    one_line = f"with {CACHE_MODULE}.persistent({', '.join(args)}){end}"
    if len(one_line) + 8 <= MAX_LINE:  # 8: the class and method indentation
        return [one_line]
    return [f"with {CACHE_MODULE}.persistent(", *[f"    {a}," for a in args], ")" + end]


def cache_findings(plan: CachePlan, root_dir: Path) -> list[Finding]:
    """A finding per download site whose files stay on the runner's disk, and per large file
    (the sites kept on the volume are listed in the report's own section)."""
    found: list[Finding] = []
    if not plan.enabled:
        return found
    for outcome in plan.outcomes:
        if not outcome.persisted:
            found.append(Finding(Code.DOWNLOAD_NOT_PERSISTED, f"`{outcome.site.code}`: {outcome.where}",
                                 outcome.site.location))
    for relative in plan.files:
        size = (root_dir / relative).stat().st_size // 2**20
        found.append(Finding(
            Code.LARGE_FILE_ON_VOLUME,
            f"`{relative}` ({size} MB) is left out of the deploy and read from the persistent "
            f"volume: upload it once with `fal files upload {relative} {plan.app_dir}/files/{relative}`",
            Location(relative, 1)))
    return found
