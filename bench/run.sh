#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# The benchmarks in one command: configures and builds a Release build in
# <repo>/build-bench when needed, then runs thread_pool_bench, bridge_bench
# and process_pool_bench, one after the other, with these arguments (see
# --help), e.g.
#
#   bench/run.sh                      # all three; 2 workers, median of 3 / 5 / 3
#   bench/run.sh --workers 4 --json results.json
#   bench/run.sh --quick
#   bench/run.sh thread_pool --scaling 1,2,4,8,16
#   bench/run.sh thread_pool --quick --only ours,asio
#   bench/run.sh bridge --only ours,raw --repeat 9
#   bench/run.sh process_pool --workers 4
#   bench/run.sh large_value --mib 256 --repeat 3
#
# A first argument `thread_pool`, `bridge` or `process_pool` runs that
# benchmark alone; `large_value` (a 256 MiB result from a worker against a
# pipe, with its own options: --mib, --repeat, --quick) runs only when named. Without one, each gets the arguments; --json FILE writes
# FILE for the thread pool and FILE with .bridge or .process_pool before its
# extension (results.bridge.json, results.process_pool.json) for the others.
# --scaling and --only belong to one benchmark each (the pools and the
# bridge variants differ), so with either of them and no name, only
# thread_pool_bench runs, as before the other benchmarks existed.
#
# Environment: CONCURRENT_FUTURES_BENCH_BUILD_DIR (default <repo>/build-bench);
# CONCURRENT_FUTURES_BENCH_CMAKE_ARGS, extra configure arguments, e.g.
# "-DCONCURRENT_FUTURES_BENCH_STATIC=ON" for binaries to carry elsewhere
# (copy python_thread_pool.py, python_bridge.py and python_process_pool.py
# beside them). Build output goes to stderr. The exit status is the first
# failure's, else 0.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${CONCURRENT_FUTURES_BENCH_BUILD_DIR:-$root/build-bench}"

benches=(thread_pool bridge process_pool)
named=0
case "${1:-}" in
thread_pool | bridge | process_pool | large_value)
  benches=("$1")
  named=1
  shift
  ;;
esac
if [[ $named -eq 0 ]]; then
  for a in "$@"; do
    if [[ "$a" == --scaling || "$a" == --only ]]; then
      echo "run.sh: $a is thread_pool_bench's option: running it alone" \
        "(bench/run.sh bridge ... or bench/run.sh process_pool ... for the others)" >&2
      benches=(thread_pool)
      break
    fi
  done
fi

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
targets=()
for b in "${benches[@]}"; do
  targets+=("${b}_bench")
done
cmake --build "$build" --target "${targets[@]}" -j "$(nproc 2>/dev/null || echo 2)" >&2

# The arguments for another benchmark than the thread pool when several
# run: --json FILE becomes FILE.<name>.json (<name> before the extension, if
# any). The first argument is the name.
suffixed_args() {
  local name="$1" json=0 a
  shift
  for a in "$@"; do
    if [[ $json -eq 1 ]]; then
      json=0
      if [[ "$a" == *.* && "${a##*/}" == *.* ]]; then
        printf '%s\0' "${a%.*}.$name.${a##*.}"
      else
        printf '%s\0' "$a.$name.json"
      fi
      continue
    fi
    [[ "$a" == --json ]] && json=1
    printf '%s\0' "$a"
  done
}

status=0
for b in "${benches[@]}"; do
  case "$b" in
  thread_pool)
    "$build/bench/thread_pool_bench" --python-script "$here/python_thread_pool.py" "$@" \
      || { rc=$?; [[ $status -ne 0 ]] || status=$rc; }
    ;;
  large_value)
    "$build/bench/large_value_bench" "$@" || { rc=$?; [[ $status -ne 0 ]] || status=$rc; }
    ;;
  bridge | process_pool)
    args=("$@")
    if [[ ${#benches[@]} -gt 1 ]]; then
      [[ $# -eq 0 ]] || mapfile -d '' -t args < <(suffixed_args "$b" "$@")
      echo
    fi
    "$build/bench/${b}_bench" --python-script "$here/python_$b.py" ${args[@]+"${args[@]}"} \
      || { rc=$?; [[ $status -ne 0 ]] || status=$rc; }
    ;;
  esac
done
exit "$status"
