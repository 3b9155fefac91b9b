#!/usr/bin/env bash
# Sets up cog2fal (a cached venv) and converts a bundled example Cog project into a fal app.
# Usage: scripts/demo.sh [EXAMPLE]   (default: text-tools; see examples/README.md)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/envs.sh"

EXAMPLE="${1:-text-tools}"
TOOL="$(tool_env)"
OUT="$(mktemp -d)/$EXAMPLE-fal"
cd "$REPO"
"$TOOL/bin/cog2fal" inspect "examples/$EXAMPLE/cog"
"$TOOL/bin/cog2fal" convert "examples/$EXAMPLE/cog" --out "$OUT"
echo
echo "The fal app is in $OUT:"
ls "$OUT"
echo
echo "Deploy it with:  cd $OUT && fal deploy fal_app.py"
