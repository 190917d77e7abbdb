#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# Sourced by tools/demo.sh, tools/test.sh and .ci/run: installs the Debian
# packages that are missing and builds with CMake. Works on a bare Debian 12
# (no compiler, no cmake) as root or through sudo.

set -euo pipefail

repo_root=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)

# What building and testing need; Boost 1.81 is Debian 12's newest; Open MPI
# for the MPI executors (concurrent::futures_mpi); pkgconf for the test of the
# pkg-config files; valgrind for the thread-pool benchmark's instruction count.
base_packages=(g++ cmake make libboost1.81-dev libboost-test1.81-dev
  libboost-serialization1.81-dev openmpi-bin libopenmpi-dev pkgconf valgrind)

package_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# ensure_packages PKG...: installs those not installed yet, and only those.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    package_installed "$p" || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "-- installing missing Debian packages: ${missing[*]}" >&2
  local sudo=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
      sudo=(sudo)
    else
      echo "error: need root (or sudo) to install: ${missing[*]}" >&2
      echo "       run: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2; then
    "${sudo[@]}" apt-get update >&2
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >&2
  fi
}

# build DIR [CMAKE ARGS...]: configures (once) and builds everything in DIR.
build() {
  local dir=$1
  shift
  cmake -S "$repo_root" -B "$dir" "$@" >&2
  cmake --build "$dir" -j "$jobs" >&2
}
