#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# The thread pool benchmark in one command: configures and builds a Release
# build in <repo>/build-bench when needed, then runs thread_pool_bench with
# these arguments (see --help), e.g.
#
#   bench/run.sh                      # 2 workers, median of 3
#   bench/run.sh --workers 4 --json results.json
#   bench/run.sh --scaling 1,2,4,8,16
#   bench/run.sh --quick --only ours,asio
#
# Environment: CONCURRENT_FUTURES_BENCH_BUILD_DIR (default <repo>/build-bench);
# CONCURRENT_FUTURES_BENCH_CMAKE_ARGS, extra configure arguments, e.g.
# "-DCONCURRENT_FUTURES_BENCH_STATIC=ON" for a binary to carry elsewhere
# (copy python_thread_pool.py beside it). Build output goes to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${CONCURRENT_FUTURES_BENCH_BUILD_DIR:-$root/build-bench}"

cache="$build/CMakeCache.txt"
if [[ ! -f "$cache" ]] || ! grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$cache" \
    || [[ -n "${CONCURRENT_FUTURES_BENCH_CMAKE_ARGS:-}" ]]; then
  # shellcheck disable=SC2086 # the extra arguments are meant to split
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCONCURRENT_FUTURES_BUILD_BENCH=ON \
    -DCONCURRENT_FUTURES_BUILD_TESTS=OFF \
    -DCONCURRENT_FUTURES_BUILD_DEMOS=OFF \
    ${CONCURRENT_FUTURES_BENCH_CMAKE_ARGS:-} >&2
fi
cmake --build "$build" --target thread_pool_bench -j "$(nproc 2>/dev/null || echo 2)" >&2

exec "$build/bench/thread_pool_bench" --python-script "$here/python_thread_pool.py" "$@"
