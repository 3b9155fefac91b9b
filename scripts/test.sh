#!/usr/bin/env bash
# Sets up everything the tests need (cached venvs, see scripts/envs.sh) and runs the suite.
# Extra arguments go to pytest: scripts/test.sh -k golden -x
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/envs.sh"

TOOL="$(tool_env)"
export COG016_PYTHON="$(cog016_env)/bin/python"
export COG2FAL_RUNTIME_PYTHON="$(runtime_env)/bin/python"
export COG2FAL_TEST_CACHE="${COG2FAL_TEST_CACHE:-$COG2FAL_CACHE/tests}"

cd "$REPO"
set +e
"$TOOL/bin/python" -m pytest -p no:cacheprovider "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
exit "$status"
