#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# The README's second command: installs what is missing, builds the library,
# tests, demos and benchmark with warnings as errors (in build/), then runs
# the whole suite with ctest.
#
#   bash tools/test.sh [CTEST ARGS...]     e.g. -R wait, or -V

source "$(dirname -- "${BASH_SOURCE[0]}")/common.sh"

ensure_packages "${base_packages[@]}"
# Line tables only (-g1): backtraces keep file and line, and the build
# takes a quarter less CPU than with full debug info.
build "$repo_root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCONCURRENT_FUTURES_WERROR=ON
cd "$repo_root/build"
exec ctest --output-on-failure -j "$jobs" "$@"
