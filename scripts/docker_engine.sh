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
#
# Where images live (the data root): vfs copies every layer and every container's filesystem in
# full, which on a slow disk costs ~10x what it costs in memory (a 180 MB container: 40 s against
# 3 s here). So when /dev/shm is a tmpfs with room (COG2FAL_DOCKER_TMPFS_MIN_GB, default 6), the
# data root is a fresh folder there, removed when the engine stops: nothing survives the run but
# the caches kept outside the engine (the base image's root filesystem tar, see
# scripts/python_base_image.sh). COG2FAL_DOCKER_DATA_ROOT=DIR keeps a data root of your choice
# (never removed); COG2FAL_DOCKER_TMPFS=0 keeps it on disk, in STATE_DIR/data.

_DOCKER_ENGINE_PID=""
_DOCKER_ENGINE_STATE=""
_DOCKER_ENGINE_EPHEMERAL_ROOT=""

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

_docker_engine_data_root() {  # _docker_engine_data_root STATE: prints the data root to use
  if [ -n "${COG2FAL_DOCKER_DATA_ROOT:-}" ]; then
    echo "$COG2FAL_DOCKER_DATA_ROOT"
    return
  fi
  local free_kb
  free_kb="$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')" || free_kb=0  # no /dev/shm
  if [ "${COG2FAL_DOCKER_TMPFS:-1}" != 0 ] && [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] \
      && [ "${free_kb:-0}" -ge $(( ${COG2FAL_DOCKER_TMPFS_MIN_GB:-6} * 1024 * 1024 )) ]; then
    mktemp -d /dev/shm/cog2fal-docker.XXXXXX
  else
    echo "$1/data"
  fi
}

_docker_engine_answers() {  # _docker_engine_answers SOCKET: true when the engine answers /_ping
  [ -S "$1" ] && curl -fsS --max-time 2 --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1
}

docker_engine_start() {
  local state="${1:-${COG2FAL_DOCKER_STATE:-${COG2FAL_CACHE:?COG2FAL_CACHE or a state folder is needed}/docker}}"
  docker_engine_install || return 1
  mkdir -p "$state/exec"
  state="$(cd "$state" && pwd)"
  local socket="$state/docker.sock"
  # A unix socket path is limited to 107 bytes; containerd's sockets live under the exec root.
  if [ "${#socket}" -gt 100 ] || [ "${#state}" -gt 60 ]; then
    echo "docker state folder path too long for unix sockets: $state (set COG2FAL_DOCKER_STATE)" >&2
    return 1
  fi
  local data_root
  data_root="$(_docker_engine_data_root "$state")"
  mkdir -p "$data_root"
  [ -n "${COG2FAL_DOCKER_DATA_ROOT:-}" ] || case "$data_root" in
    /dev/shm/cog2fal-docker.*) _DOCKER_ENGINE_EPHEMERAL_ROOT="$data_root" ;;
  esac
  local log="$state/dockerd.log"
  : >"$log"
  # setsid: a Ctrl-C at the terminal reaches pytest, not the engine; docker_engine_stop ends it.
  setsid dockerd \
    --host "unix://$socket" \
    --data-root "$data_root" \
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
      docker_engine_stop
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
    | sed -n 's/.*"Version":"\([^"]*\)".*/\1/p' | head -n 1) on $DOCKER_HOST (pid $_DOCKER_ENGINE_PID," \
    "images in $data_root)" >&2
}

docker_engine_stop() {  # by PID: dockerd stops its containers and its containerd on SIGTERM
  local pid="$_DOCKER_ENGINE_PID" state="$_DOCKER_ENGINE_STATE"
  _DOCKER_ENGINE_PID=""
  if [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; then
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
  [ -z "$pid" ] || wait "$pid" 2>/dev/null || true
  # containerd outlives a dockerd that was killed; its pidfile is under our exec root.
  local containerd_pidfile="$state/exec/containerd/containerd.pid"
  if [ -n "$state" ] && [ -f "$containerd_pidfile" ]; then
    local containerd_pid
    containerd_pid="$(cat "$containerd_pidfile")"
    if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null \
        && grep -q containerd "/proc/$containerd_pid/comm" 2>/dev/null; then
      kill -TERM "$containerd_pid" 2>/dev/null || true
    fi
  fi
  local root="$_DOCKER_ENGINE_EPHEMERAL_ROOT"
  _DOCKER_ENGINE_EPHEMERAL_ROOT=""
  if [ -n "$root" ]; then
    # dockerd bind-mounts its data root onto itself, and a container's mounts outlive an engine
    # that was killed: unmount all of them, deepest first, before removing.
    { awk -v root="$root" '$2 == root || index($2, root "/") == 1 { print $2 }' /proc/mounts \
        2>/dev/null || true; } | sort -r | while read -r mount_point; do
      umount -l "$mount_point" 2>/dev/null || true
    done
    rm -rf "$root" 2>/dev/null || echo "could not remove the engine's data root $root" >&2
  fi
}
