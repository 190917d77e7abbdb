#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# The Debian packages (debian/), built from this working tree, uncommitted
# changes included, and checked the way a user would meet them:
#
#   1. dpkg-buildpackage -b in a scratch copy of the tree (build-deb/src):
#      the library only, shared and static, Release;
#   2. lintian on the result: any error fails, warnings are printed;
#   3. the packages extracted with dpkg-deb -x into build-deb/root, nothing
#      installed system-wide: first the core's, then the MPI executors';
#   4. after each, test/consumer's programs built against that tree with
#      CMake (CMAKE_PREFIX_PATH) and with pkg-config alone, and run.
#
#   bash tools/deb.sh              all of it
#   bash tools/deb.sh --no-build   2 to 4 again, on the packages in build-deb/
#
# Everything stays in build-deb/: the .deb files, build.log (the package
# build), lintian.log, contents.txt (dpkg-deb -c of each package).

source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

# The package's Build-Depends, the packaging tools, and what the consumer
# needs (openmpi-bin runs its MPI program, pkgconf the pkg-config build).
ensure_packages g++ cmake make libboost1.81-dev libboost-serialization1.81-dev \
  libopenmpi-dev openmpi-bin debhelper dpkg-dev lintian pkgconf

out=$repo_root/build-deb
root=$out/root
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
libdir=$root/usr/lib/$multiarch
# The paths as the kernel resolves them, to compare with what tools print.
real_libdir=$(realpath -m -- "$libdir")
real_includedir=$(realpath -m -- "$root/usr/include")

step() { printf -- '-- deb (%3ds): %s\n' "$SECONDS" "$*" >&2; }
fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

build_packages=1
case ${1:-} in
  "") ;;
  --no-build) build_packages=0 ;;
  *) fail "usage: bash tools/deb.sh [--no-build]" ;;
esac

# ------------------------------------------------------------ 1. build
# dpkg-buildpackage writes its results into the parent directory and leaves
# debian/tmp, debian/<package> and the build directories behind: it runs in
# a copy. The copy is what git would commit now (tracked files as they are
# on disk, untracked files git does not ignore), so no build directory of
# the tree leaks in.
if ((build_packages)); then
  rm -rf "$out"
  mkdir -p "$out/src"
  git -C "$repo_root" ls-files -z --cached --others --exclude-standard |
    (cd "$repo_root" && while IFS= read -r -d '' f; do
      if [[ -e $f || -L $f ]]; then # not deleted since the last commit
        printf '%s\0' "$f"
      fi
    done) |
    tar -C "$repo_root" --null -T - -cf - | tar -C "$out/src" -xf -

  step "dpkg-buildpackage -b (log: build-deb/build.log)"
  if ! (cd "$out/src" &&
    DEB_BUILD_OPTIONS="parallel=$jobs ${DEB_BUILD_OPTIONS:-}" \
      dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    fail "dpkg-buildpackage failed; the whole log is build-deb/build.log"
  fi
fi
shopt -s nullglob
debs=("$out"/*.deb)
changes=("$out"/*.changes)
((${#debs[@]} > 0 && ${#changes[@]} == 1)) || fail "no packages in build-deb/"

for deb in "${debs[@]}"; do
  printf '== %s\n' "${deb##*/}"
  dpkg-deb -c "$deb"
done >"$out/contents.txt"

# ------------------------------------------------------------ 2. lintian
step "lintian (log: build-deb/lintian.log)"
# --fail-on error: warnings are printed, and only errors fail.
if ! lintian --fail-on error --tag-display-limit 0 "${changes[0]}" >"$out/lintian.log" 2>&1; then
  cat "$out/lintian.log" >&2
  fail "lintian reports errors (E:) on the packages"
fi
grep -v '^running with root privileges' "$out/lintian.log" >&2 || true

# ------------------------------------------------------------ 3, 4. unpack, consumers
# Two rounds, as a user installs them: the core's packages alone, which must
# be complete without the MPI executors' (no Open MPI for a thread-pool
# user), then those added.
rm -rf "$root" "$out/consumer" "$out/consumer.log" "$out"/pc_*
core_debs=() mpi_debs=()
for deb in "${debs[@]}"; do
  case ${deb##*/} in
    *-dbgsym_*) ;; # debug symbols: nothing to build against
    libconcurrent-futures-mpi*) mpi_debs+=("$deb") ;;
    *) core_debs+=("$deb") ;;
  esac
done
((${#core_debs[@]} == 2 && ${#mpi_debs[@]} == 2)) ||
  fail "expected 2 core and 2 MPI packages in build-deb/, found ${#core_debs[@]} and ${#mpi_debs[@]}"

# unpack DEB...: into build-deb/root, as dpkg would install them.
unpack() {
  local deb
  for deb in "$@"; do
    dpkg-deb -x "$deb" "$root"
    printf '   %s\n' "${deb##*/}" >&2
  done
}

export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
# The .pc files find their prefix from where they lie (${pcfiledir}): no
# --define-prefix or sysroot. Ours first; MPI's module (mpi-c) the system's.
export PKG_CONFIG_PATH=$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
# The MPI consumer spawns a worker: as root in CI, on one small machine.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

# links_here PROGRAM: the program loads the packaged shared libraries.
links_here() {
  local libs lib
  libs=$(ldd "$1" | awk '/libconcurrent_futures/ { print $3 }')
  [[ $libs == *libconcurrent_futures.so.* ]] ||
    fail "$1 does not load the shared library libconcurrent_futures.so"
  for lib in $libs; do
    [[ $(realpath -m -- "$lib") == "$real_libdir"/* ]] ||
      fail "$1 loads $lib, not the packaged library"
  done
}

# cmake_consumer PROGRAM...: configures test/consumer against build-deb/root
# (again, in the second round), builds it, and runs PROGRAMs, which must be
# all it built.
consumer=$out/consumer
cmake_consumer() {
  cmake -S "$repo_root/test/consumer" -B "$consumer" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$root/usr" >>"$out/consumer.log" 2>&1 ||
    { cat "$out/consumer.log" >&2; fail "configuring the consumer failed"; }
  local found
  found=$(sed -n 's/^concurrent_futures_DIR:PATH=//p' "$consumer/CMakeCache.txt")
  [[ $(realpath -m -- "$found") == "$real_libdir/cmake/concurrent_futures" ]] ||
    fail "find_package(concurrent_futures) took $found, not the packaged one"
  cmake --build "$consumer" -j "$jobs" >>"$out/consumer.log" 2>&1 ||
    { cat "$out/consumer.log" >&2; fail "building the consumer failed"; }
  local built program
  built=$(cd "$consumer" && find . -maxdepth 1 -type f -executable -name 'consumer*' -printf '%f\n' | sort | xargs)
  [[ $built == "$*" ]] || fail "the consumer built '$built', expected '$*'"
  for program in "$@"; do
    links_here "$consumer/$program"
    timeout 120 "$consumer/$program"
  done
}

# pc_consumer PROGRAM MODULE: test/consumer/PROGRAM.cpp built with the flags
# of pkg-config's MODULE alone, and run.
pc_consumer() {
  local program=$1 module=$2 flags word own=0
  flags=$(pkg-config --cflags --libs "$module") ||
    fail "pkg-config finds no $module in the packages"
  printf '   %s: %s\n' "$module" "$flags" >&2
  # Its -I and -L must be those of the unpacked tree.
  for word in $flags; do
    case $word in
      -I*) [[ $(realpath -m -- "${word#-I}") == "$real_includedir" ]] && ((own |= 1)) ;;
      -L*) [[ $(realpath -m -- "${word#-L}") == "$real_libdir" ]] && ((own |= 2)) ;;
    esac
  done
  ((own == 3)) || fail "$module: pkg-config's flags name no -I and -L in build-deb/root"
  # shellcheck disable=SC2086 # the flags are words
  g++ -std=c++20 "$repo_root/test/consumer/$program.cpp" $flags -o "$out/pc_$program" ||
    fail "building $program.cpp with pkg-config's $module failed"
  links_here "$out/pc_$program"
  timeout 120 "$out/pc_$program"
}

step "unpacking the core's packages into build-deb/root"
unpack "${core_debs[@]}"
[[ -d $libdir ]] || fail "no $libdir in the packages"
# The CMake package must resolve from where it lies: every file it names
# goes through ${_IMPORT_PREFIX}, none by the build machine's path.
if grep -nE '(IMPORTED_LOCATION[A-Z_]*|INTERFACE_INCLUDE_DIRECTORIES) "/' \
  "$libdir"/cmake/concurrent_futures/*targets*.cmake >&2; then
  fail "the CMake package names absolute paths for its own files"
fi
step "test/consumer with CMake (CMAKE_PREFIX_PATH=build-deb/root/usr), no MPI"
cmake_consumer consumer consumer_serialization
step "test/consumer with pkg-config (PKG_CONFIG_PATH=build-deb/root/...), no MPI"
pc_consumer main concurrent-futures
pc_consumer serialization_main concurrent-futures-boost-serialization
step "test/consumer/main.cpp with the README's plain line (-I and -L of the unpacked tree)"
# What `g++ -std=c++20 -O2 main.cpp -lconcurrent_futures -pthread` is once
# the package is installed in /usr.
g++ -std=c++20 -O2 "$repo_root/test/consumer/main.cpp" -I"$root/usr/include" -L"$libdir" \
  -lconcurrent_futures -pthread -o "$out/plain_main" ||
  fail "building main.cpp with the README's plain line failed"
links_here "$out/plain_main"
timeout 120 "$out/plain_main"

step "unpacking the MPI executors' packages into build-deb/root"
unpack "${mpi_debs[@]}"
step "test/consumer with CMake, with MPI"
cmake_consumer consumer consumer_mpi consumer_serialization
step "test/consumer with pkg-config, with MPI"
pc_consumer mpi_main concurrent-futures-mpi

step "ok: $(cd "$out" && echo *.deb)"
