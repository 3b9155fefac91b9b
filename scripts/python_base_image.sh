#!/usr/bin/env bash
# A local stand-in for the official `python:3.11-slim` image, for builds where no registry is
# reachable (the tests): Debian bookworm (debootstrap minbase) with Debian's own Python 3.11, pip,
# venv, curl and ca-certificates, imported into the engine at DOCKER_HOST.
#
#   bash scripts/python_base_image.sh [EXTRA_TAG...]    # tags python:3.11-slim (+ extra tags)
#
# It behaves like the official image where builds notice: python/python3/pip/pip3 in
# /usr/local/bin, no PEP 668 EXTERNALLY-MANAGED marker (pip installs into the system Python),
# LANG=C.UTF-8, CMD python3. This machine's CA bundle is copied in, as
# /etc/ssl/certs/ca-certificates.crt and as a local CA that update-ca-certificates keeps, because
# TLS to PyPI from inside a build is trusted only with it.
#
# The root filesystem tar is cached under $COG2FAL_CACHE/base-images, keyed by what it installs
# (and the CA bundle), with a `docker save` of the imported image beside it: a rerun loads that
# (seconds), so the base keeps one image id across runs and engines.
set -euo pipefail

SUITE=bookworm
MIRROR="${COG2FAL_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
PACKAGES="python3,python3-pip,python3-venv,curl,ca-certificates"
TAG="python:3.11-slim"
HOST_CA=/etc/ssl/certs/ca-certificates.crt
COG2FAL_CACHE="${COG2FAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cog2fal}"
: "${DOCKER_HOST:?DOCKER_HOST must point at an engine (scripts/docker_engine.sh starts one)}"

KEY="$( { echo "$SUITE $MIRROR $PACKAGES recipe-1"; sha256sum "$HOST_CA"; } | sha256sum | cut -c1-12)"
CACHE_DIR="$COG2FAL_CACHE/base-images"
ROOTFS_TAR="$CACHE_DIR/python3.11-$SUITE-$KEY.tar"
IMAGE_TAR="$CACHE_DIR/python3.11-$SUITE-$KEY.image.tar"  # `docker save` of the imported image
LABEL="cog2fal.local-base=$KEY"

_engine() {  # curl on the engine's unix socket: _engine PATH
  curl -fsS --unix-socket "${DOCKER_HOST#unix://}" "http://localhost$1"
}

_has_image() {  # the tag exists and carries this recipe's key (no pipe: grep -q would cut curl off)
  local found
  found="$(_engine "/images/$TAG/json" 2>/dev/null || true)"
  [[ "$found" == *"\"cog2fal.local-base\":\"$KEY\""* ]]
}

_build_rootfs() {
  command -v debootstrap >/dev/null 2>&1 || {
    echo "==> installing debootstrap" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2
  }
  mkdir -p "$CACHE_DIR"
  local root
  root="$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")"
  trap 'rm -rf "$root"' EXIT
  echo "==> debootstrap $SUITE (minbase + $PACKAGES) into $root" >&2
  debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$MIRROR" >&2
  # The host's CA bundle, where TLS clients read it and where update-ca-certificates keeps it.
  install -m 0644 "$HOST_CA" "$root/etc/ssl/certs/ca-certificates.crt"
  install -m 0644 "$HOST_CA" "$root/usr/local/share/ca-certificates/cog2fal-host-bundle.crt"
  # Like the official image: pip installs into the system Python, tools on /usr/local/bin.
  rm -f "$root"/usr/lib/python3*/EXTERNALLY-MANAGED
  ln -sf /usr/bin/python3 "$root/usr/local/bin/python"
  ln -sf /usr/bin/python3 "$root/usr/local/bin/python3"
  ln -sf /usr/bin/pip3 "$root/usr/local/bin/pip"
  ln -sf /usr/bin/pip3 "$root/usr/local/bin/pip3"
  # Smaller is faster on vfs, where every layer is a full copy.
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
    "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/var/log/*.log \
    "$root"/var/cache/debconf/*-old
  tar --numeric-owner -C "$root" -cf "$ROOTFS_TAR.partial" .
  mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
  rm -rf "$root"
  trap - EXIT
}

if _has_image; then
  echo "==> $TAG is the local base image $KEY" >&2
elif [ -f "$IMAGE_TAR" ]; then
  # Loading the saved image (not importing the tar again) keeps its id and history, so layers
  # built on it in an earlier run (kept with `docker save`) still match as build cache.
  docker load -q -i "$IMAGE_TAR" >/dev/null
  echo "==> $TAG loaded from $IMAGE_TAR" >&2
else
  started=$SECONDS
  [ -f "$ROOTFS_TAR" ] || _build_rootfs
  echo "==> docker import $ROOTFS_TAR as $TAG" >&2
  docker import \
    --change "LABEL $LABEL" \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV LANG=C.UTF-8" \
    --change 'CMD ["python3"]' \
    "$ROOTFS_TAR" "$TAG" >/dev/null
  docker save -o "$IMAGE_TAR.partial" "$TAG" && mv "$IMAGE_TAR.partial" "$IMAGE_TAR"
  echo "==> $TAG ready in $((SECONDS - started)) s" >&2
fi
for extra in "$@"; do
  docker tag "$TAG" "$extra"
done
