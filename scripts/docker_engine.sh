#!/usr/bin/env bash
# A private Docker engine for the tests: its own socket, data root, exec root and pidfile under one
# state folder, so several checkouts (and a system engine, if any) never share images or state.
# Sourced by scripts/test.sh; usable by hand:
#
#   source scripts/docker_engine.sh
#   docker_engine_start [STATE_DIR]   # default $COG2FAL_DOCKER_STATE or $COG2FAL_CACHE/docker
#   ...                               # DOCKER_HOST now points at the private socket
#   docker_engine_stop                # by PID; containerd too if dockerd could not stop it
#
# The engine uses the vfs storage driver (works on any filesystem, no kernel modules), no bridge
# and no iptables rules: builds and containers use the host's network (network_mode="host").
# The data root persists between runs, so images imported or built once (the local base image)
# are still there next time.

_DOCKER_ENGINE_PID=""
_DOCKER_ENGINE_STATE=""

docker_engine_install() {  # Debian's docker.io when dockerd is missing (CI machines start bare)
  command -v dockerd >/dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "dockerd is missing and installing docker.io needs root: apt-get install docker.io" >&2
    return 1
  fi
  echo "==> installing docker.io (dockerd is missing)" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >&2
}

_docker_engine_answers() {  # _docker_engine_answers SOCKET: true when the engine answers /_ping
  [ -S "$1" ] && curl -fsS --max-time 2 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1
}

docker_engine_start() {
  local state="${1:-${COG2FAL_DOCKER_STATE:-${COG2FAL_CACHE:?COG2FAL_CACHE or a state folder is needed}/docker}}"
  docker_engine_install || return 1
  mkdir -p "$state/data" "$state/exec"
  state="$(cd "$state" && pwd)"
  local socket="$state/docker.sock"
  # A unix socket path is limited to 107 bytes; containerd's sockets live under the exec root.
  if [ "${#socket}" -gt 100 ] || [ "${#state}" -gt 60 ]; then
    echo "docker state folder path too long for unix sockets: $state (set COG2FAL_DOCKER_STATE)" >&2
    return 1
  fi
  local log="$state/dockerd.log"
  : >"$log"
  # setsid: a Ctrl-C at the terminal reaches pytest, not the engine; docker_engine_stop ends it.
  setsid dockerd \
    --host "unix://$socket" \
    --data-root "$state/data" \
    --exec-root "$state/exec" \
    --pidfile "$state/dockerd.pid" \
    --storage-driver=vfs --iptables=false --ip6tables=false --bridge=none \
    >>"$log" 2>&1 </dev/null &
  _DOCKER_ENGINE_PID=$!
  _DOCKER_ENGINE_STATE="$state"
  local waited=0
  until _docker_engine_answers "$socket"; do
    if ! kill -0 "$_DOCKER_ENGINE_PID" 2>/dev/null; then
      echo "dockerd exited while starting (log: $log):" >&2
      tail -n 5 "$log" >&2
      _DOCKER_ENGINE_PID=""
      return 1
    fi
    if [ "$waited" -ge 120 ]; then
      echo "dockerd did not answer on $socket within 60 s (log: $log)" >&2
      docker_engine_stop
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  export DOCKER_HOST="unix://$socket"
  echo "==> docker engine $(curl -fsS --unix-socket "$socket" http://localhost/version \
    | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' | head -n 1) on $DOCKER_HOST (pid $_DOCKER_ENGINE_PID)" >&2
}

docker_engine_stop() {  # by PID: dockerd stops its containers and its containerd on SIGTERM
  local pid="$_DOCKER_ENGINE_PID" state="$_DOCKER_ENGINE_STATE"
  [ -n "$pid" ] || return 0
  _DOCKER_ENGINE_PID=""
  if kill -TERM "$pid" 2>/dev/null; then
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 60 ]; do
      sleep 0.5
      waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "dockerd (pid $pid) did not stop within 30 s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  wait "$pid" 2>/dev/null || true
  # containerd outlives a dockerd that was killed; its pidfile is under our exec root.
  local containerd_pidfile="$state/exec/containerd/containerd.pid"
  if [ -f "$containerd_pidfile" ]; then
    local containerd_pid
    containerd_pid="$(cat "$containerd_pidfile")"
    if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null \
        && grep -q containerd "/proc/$containerd_pid/comm" 2>/dev/null; then
      kill -TERM "$containerd_pid" 2>/dev/null || true
    fi
  fi
}
