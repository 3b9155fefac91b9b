#!/usr/bin/env bash
# Builds (once) and caches the virtual environments cog2fal's demo and tests use.
# Sourced by scripts/demo.sh and scripts/test.sh. Each venv lives under $COG2FAL_CACHE/venvs,
# keyed by a hash of what it installs, so a changed pin builds a new one and reruns are instant.
#
#   tool     cog2fal + fal 1.83.0 + test tools, *without* torch, cog or model dependencies:
#            converted apps must load with fal alone, as `fal deploy` loads them. It also has
#            the real clients (replicate, fal-client) that the end-to-end client scripts run.
#   cog016   cog 0.16.12, whose schema command is the reference for Input schemas.
#   runtime  cog 0.23.1 (reference runtime) + fal + the runnable examples' dependencies
#            (Pillow, numpy, torch 2.13.0 CPU), for `cog2fal verify`.
set -euo pipefail
shopt -s inherit_errexit  # `set -e` inside $(...) too: a failed step must stop the run

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COG2FAL_CACHE="${COG2FAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cog2fal}"
PYTHON="${PYTHON:-python3}"

_pip() {  # pip, quiet, without the registry mirror's "Location ... is ignored" chatter
  local python="$1"; shift
  "$python" -m pip --disable-pip-version-check -q "$@" 2>&1 | { grep -v "^WARNING: Location" || true; } >&2
}

_venv() {  # _venv NAME "pip args..." -> prints the venv path
  local name="$1" spec="$2"
  local key
  key="$(printf '%s\n%s\n' "$spec" "$("$PYTHON" -c 'import sys; print(sys.version)')" | sha256sum | cut -c1-12)"
  local dir="$COG2FAL_CACHE/venvs/$name-$key"
  if [ ! -x "$dir/bin/python" ] || [ ! -f "$dir/.complete" ]; then
    echo "==> building the $name environment ($dir)" >&2
    rm -rf "$dir"
    # Checked one by one: `set -e` does not reach into the $(...) this runs in, and a venv
    # marked complete after a failed install would be reused broken.
    "$PYTHON" -m venv "$dir" || { echo "could not create $dir" >&2; exit 1; }
    _pip "$dir/bin/python" install --upgrade pip || { echo "pip upgrade failed in $dir" >&2; exit 1; }
    # shellcheck disable=SC2086
    _pip "$dir/bin/python" install $spec || { echo "installing into $dir failed" >&2; exit 1; }
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# cog2fal's own dependencies and every optional group (the test tools), read from pyproject.toml
# so the key follows them. tomllib is in the standard library from Python 3.11 on.
TOOL_DEPS="$("$PYTHON" - "$REPO/pyproject.toml" <<'PY'
import shlex
import sys
try:
    import tomllib
except ModuleNotFoundError:
    sys.exit(f"scripts/envs.sh needs Python 3.11 or later to read pyproject.toml (set PYTHON); "
             f"{sys.executable} is {sys.version.split()[0]}")
with open(sys.argv[1], "rb") as file:
    project = tomllib.load(file)["project"]
deps = [*project["dependencies"], *(d for group in project.get("optional-dependencies", {}).values()
                                    for d in group)]
print(" ".join(shlex.quote(d) for d in deps))
PY
)"

tool_env() {
  local dir
  dir="$(_venv tool "$(eval echo "$TOOL_DEPS")")"
  _pip "$dir/bin/python" install --no-deps -e "$REPO"
  echo "$dir"
}

cog016_env() {
  _venv cog016 "cog==0.16.12"
}

runtime_env() {
  local dir
  dir="$(_venv runtime "cog==0.23.1 fal==1.83.0 pillow==13.0.0 numpy torch==2.13.0 libcst>=1.4 typer>=0.12 rich>=13 pyyaml>=6 packaging>=23 docker>=7.1")"
  _pip "$dir/bin/python" install --no-deps -e "$REPO"
  echo "$dir"
}
