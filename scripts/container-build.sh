#!/usr/bin/env bash
# Builds the service's container image with podman: the wheel (make wheel), then Containerfile.
#
#   scripts/container-build.sh
#
# The base is Debian bookworm: the image named by BASE_IMAGE if given; otherwise Debian's
# official bookworm-slim (already present, or pulled); otherwise, where no registry can be
# reached, a bookworm root file system made here with debootstrap from Debian's own mirror and
# imported as localhost/debian:bookworm-minbase (needs root and the debootstrap package; made
# once, then reused). Run it as root, or as a user podman is set up for when a base exists.
#
# Settings, all optional, from the environment:
#   BASE_IMAGE     the base to build on, e.g. registry.council.example/debian:bookworm-slim
#   IMAGE          the tag to give the image (default localhost/cpc-observers:<version>)
#   EXTRAS         the package's extras (default pdf; empty for no letters or PDF copies)
#   BUILD_CA       a CA bundle pip must trust to reach PyPI, for a host behind a proxy that
#                  inspects TLS (default: PIP_CERT when set); mounted into the build, not kept
#   PIP_INDEX_URL  a PyPI mirror to install from instead of pypi.org (no login in it: build
#                  arguments are recorded in the image's history)
#   DEBIAN_MIRROR  where debootstrap fetches from (default http://deb.debian.org/debian)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

official_base="docker.io/library/debian:bookworm-slim"
local_base="localhost/debian:bookworm-minbase"
extras="${EXTRAS-pdf}"
build_ca="${BUILD_CA:-${PIP_CERT:-}}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

say() { printf '== %s\n' "$*" >&2; }

if ! command -v podman >/dev/null; then
  echo "podman is not installed (Debian: apt-get install podman)" >&2
  exit 1
fi

# A bookworm base like the official slim image, from Debian packages alone: minbase, the
# security and point-release updates applied, and the same trimming (no documentation but
# copyright notices, no manual pages or translations, no apt package cache).
make_local_base() {
  [[ "$(id -u)" -eq 0 ]] || { echo "Making a base with debootstrap needs root." >&2; exit 1; }
  command -v debootstrap >/dev/null || { echo "apt-get install debootstrap" >&2; exit 1; }
  local rootfs
  rootfs="$(mktemp -d /var/tmp/cpc-observers-rootfs.XXXXXX)"
  # The root file system is only a step on the way (about 200 MB): removed however this ends.
  # shellcheck disable=SC2064
  trap "rm -rf '$rootfs'" EXIT

  say "Making a Debian bookworm base with debootstrap from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror"

  cat >"$rootfs/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
  cat >"$rootfs/etc/dpkg/dpkg.cfg.d/excludes" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
  # What the official image does too: no downloaded packages kept after an install.
  cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF

  chroot "$rootfs" apt-get update -q
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get upgrade -y -q
  chroot "$rootfs" apt-get clean
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda,locale}/* "$rootfs"/var/lib/apt/lists/*

  say "Importing it as $local_base"
  tar --numeric-owner -C "$rootfs" -c . | podman import --change 'CMD ["bash"]' - "$local_base"
  rm -rf "$rootfs"
  trap - EXIT
}

if [[ -n "${BASE_IMAGE:-}" ]]; then
  base="$BASE_IMAGE"
elif podman image exists "$official_base"; then
  base="$official_base"
elif podman image exists "$local_base"; then
  base="$local_base"
elif podman pull -q "$official_base" >/dev/null; then
  base="$official_base"
else
  say "$official_base could not be pulled; making a base from Debian packages instead"
  make_local_base
  base="$local_base"
fi
say "Base: $base"

# Container hosts differ. Where the base cannot start a container with podman's defaults,
# try what such hosts need: runc instead of crun (crun refuses cgroups in hybrid v1/v2 mode),
# and resource limits no higher than the host allows (podman asks for 1048576 open files, which
# a host with a lower ceiling refuses).
podman_global=()
limits=()
if ! podman run --rm "$base" true 2>/dev/null; then
  command -v runc >/dev/null && podman_global=(--runtime runc)
  limits=(--ulimit "nofile=$(ulimit -Hn):$(ulimit -Hn)" --ulimit nproc=4096:4096)
  if ! podman "${podman_global[@]}" run --rm "${limits[@]}" "$base" true; then
    echo "No container starts on this host from $base; see the error above." >&2
    exit 1
  fi
  say "Running with: podman ${podman_global[*]} ... ${limits[*]}"
fi

# A fresh wheel and only that one: the Containerfile refuses a dist/ with several.
rm -f dist/cpc_observers-*.whl
make wheel
wheel="$(ls dist/cpc_observers-*.whl)"
version="$(basename "$wheel" | cut -d- -f2)"
image="${IMAGE:-localhost/cpc-observers:$version}"

build_args=(--build-arg "BASE_IMAGE=$base" --build-arg "EXTRAS=$extras")
if [[ -n "$build_ca" ]]; then
  build_args+=(-v "$build_ca:/run/build-ca.crt:ro" --build-arg PIP_CERT=/run/build-ca.crt)
fi
if [[ -n "${PIP_INDEX_URL:-}" ]]; then
  build_args+=(--build-arg "PIP_INDEX_URL=$PIP_INDEX_URL")
fi

# The docker format keeps the HEALTHCHECK (the OCI format has no field for it).
say "Building $image"
podman "${podman_global[@]}" build --format docker "${limits[@]}" "${build_args[@]}" \
  -f Containerfile -t "$image" .

podman images "$image"
