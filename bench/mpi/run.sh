#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# The MPI benchmark in one command: cf::mpi_comm_executor against
# mpi4py.futures' MPICommExecutor and the raw C API floor, side by side,
# 2 worker ranks each (mpirun -n 3 --oversubscribe), medians of 5 repeats,
# targets with PASS or MISS. Not run by CI: it needs mpirun, mpi4py and a
# machine as quiet as can be had.
#
#   bench/mpi/run.sh                       # build dir <repo>/build-mpibench
#   bench/mpi/run.sh path/to/build         # an existing build dir
#   bench/mpi/run.sh -- --repeat 9 --only ours,raw --json mpi.json
#   bench/mpi/run.sh -- --quick --repeat 1 # a smoke run, ~1 minute
#
# The first argument, if it is not an option, is the build dir: it is
# configured (Release, bench on, tests and demos off) when it has no
# CMakeCache.txt, and mpi_bench is built in it. The rest (after an optional
# --) goes to compare.py (--help lists it). Environment: PYTHON (default
# /usr/bin/python3, which must import mpi4py), MPIRUN (default mpirun).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$root/build-mpibench"
if [[ $# -gt 0 && "$1" != -* ]]; then
  build="$1"
  shift
fi
[[ "${1:-}" != -- ]] || shift

# As root, mpirun refuses without these; 3 ranks on 2 cores need the third.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1

python="${PYTHON:-/usr/bin/python3}"
if ! "$python" -c 'import mpi4py.futures' 2>/dev/null; then
  echo "run.sh: $python cannot import mpi4py.futures (apt-get install python3-mpi4py," \
    "or PYTHON=...)" >&2
  exit 2
fi

if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCONCURRENT_FUTURES_BUILD_BENCH=ON \
    -DCONCURRENT_FUTURES_BUILD_TESTS=OFF \
    -DCONCURRENT_FUTURES_BUILD_DEMOS=OFF >&2
fi
if ! grep -q '^CONCURRENT_FUTURES_BUILD_BENCH:BOOL=ON$' "$build/CMakeCache.txt"; then
  cmake "$build" -DCONCURRENT_FUTURES_BUILD_BENCH=ON >&2
fi
grep -q '^CMAKE_BUILD_TYPE:STRING=Release$' "$build/CMakeCache.txt" \
  || echo "run.sh: $build is not a Release build: figures are not representative" >&2
cmake --build "$build" --target mpi_bench -j "$(nproc 2>/dev/null || echo 2)" >&2

exec "$python" "$here/compare.py" --bench "$build/bench/mpi_bench" \
  --python "$python" --mpirun "${MPIRUN:-mpirun}" "$@"
