#!/usr/bin/env bash
# Sets up everything the tests need (cached venvs, see scripts/envs.sh; a private Docker engine,
# see scripts/docker_engine.sh) and runs the suite.
# Extra arguments go to pytest: scripts/test.sh -k golden -x
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/envs.sh"
source "$(dirname "${BASH_SOURCE[0]}")/docker_engine.sh"

TOOL="$(tool_env)"
export COG016_PYTHON="$(cog016_env)/bin/python"
export COG2FAL_RUNTIME_PYTHON="$(runtime_env)/bin/python"
export COG2FAL_TEST_CACHE="${COG2FAL_TEST_CACHE:-$COG2FAL_CACHE/tests}"

# examples/json-query's Cog side runs the `jq` program on this machine (its fal side, in its image).
if ! command -v jq >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq >&2; }
fi

# A private Docker engine for the image tests, stopped by PID however pytest ends.
trap docker_engine_stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
docker_engine_start

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
