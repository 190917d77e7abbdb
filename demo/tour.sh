#!/usr/bin/env bash
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
# A tour of concurrent-futures: runs every demo, in the order they are best
# read, and stops at the first one that fails.
#
#   demo/tour.sh [BUILD_DIR]
#
# BUILD_DIR is the CMake build directory (default: build/ at the repository
# root). The demos must be built there already, e.g.
#   cmake -S . -B build && cmake --build build
# b2 users pass its build directory (build-b2); the demos are found below it.

set -euo pipefail

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(cd -- "$script_dir/.." && pwd)
build_dir=${1:-$repo_root/build}

# name:what it shows, in reading order.
demos=(
  "fetch_urls:as_completed over simulated downloads"
  "parallel_downloader:30 downloads from a local HTTP server on 8 threads, progress bar"
  "map_records:pool.map in input order, buffersize, timeout"
  "callbacks:add_done_callback and per-future exceptions"
  "search_engines:first answer wins; cancel vs cooperative stop"
  "fastest_mirror:five local mirror servers; first good answer wins, past a 503 and a reset"
  "submit_and_poll:poll done() on a thread pool, then on a process pool"
  "parallel_primes:prime counts in 4 worker processes, as_completed"
  "image_grayscale:20 images to grayscale with a process pool's map, speedup plot"
  "common_mistakes:three pool mistakes, each timed next to its fix"
  "executor_factory:one factory (threads for io, processes for cpu) via cf::executor"
  "task_scheduler:jobs with priorities and dependencies; a failure and a cancel cascade down"
  "batch_processor:batches on threads (HTTP, timeout per batch) and on processes (primes)"
  "gather_files:a coroutine reads ten files at once with run_in_executor"
  "process_files:110 files by a loop and by a coroutine, timed and compared"
  "ping_primes:a coroutine server stays responsive by offloading CPU work"
)

# The MPI demos, run under mpirun with 3 ranks (rank 0 submits, ranks 1 and
# 2 serve) when CMake built them (it does when it finds MPI; b2 never does).
mpi_demos=(
  "mpi_primes:the prime counts on MPI ranks; the executor swapped in one line"
  "mpi_server:a coroutine server offloads requests to MPI ranks with run_in_executor"
)

if [[ ! -d $build_dir ]]; then
  echo "tour.sh: no build directory '$build_dir'; build the demos first:" >&2
  echo "  cmake -S '$repo_root' -B '$build_dir' && cmake --build '$build_dir'" >&2
  exit 2
fi

# CMake puts a demo in BUILD_DIR/demo/; b2 nests it deeper (build-b2/demo/
# <toolset>/<variant>/...), so look there last.
find_demo() {
  local name=$1 candidate
  for candidate in "$build_dir/demo/$name" "$build_dir/$name"; do
    if [[ -f $candidate && -x $candidate ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  if [[ -d $build_dir/demo ]]; then
    candidate=$(find "$build_dir/demo" -type f -name "$name" -perm -u+x 2>/dev/null |
      sort | head -n 1)
    if [[ -n $candidate ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  fi
  return 1
}

# The MPI demos that were built; without mpirun they are skipped, said so.
mpi_runs=()
for entry in "${mpi_demos[@]}"; do
  name=${entry%%:*}
  exe=$(find_demo "$name") || continue
  if ! command -v mpirun >/dev/null; then
    echo "tour.sh: $name is built but mpirun is not on PATH; skipping it" >&2
    continue
  fi
  mpi_runs+=("$entry")
done

# Open MPI refuses to run as root unless told twice, and starts only as many
# ranks as there are cores unless told it may oversubscribe them.
mpi_env=(OMPI_MCA_rmaps_base_oversubscribe=1)
if [[ $(id -u) -eq 0 ]]; then
  mpi_env+=(OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)
fi
# In an AddressSanitizer build (CI's runs the tour too): Open MPI 4.1.4 leaks
# in components it dlcloses before exit, which no suppression can name, so
# the MPI demos run without leak detection, as the MPI tests do
# (test/mpi/CMakeLists.txt). A later flag in ASAN_OPTIONS wins.
if [[ -n ${ASAN_OPTIONS+set} ]]; then
  mpi_env+=("ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
fi
# In a ThreadSanitizer build, the MPI tests' suppressions: Open MPI's own
# lock order in MPI_Init and MPI_Finalize (the file says which).
if [[ -n ${TSAN_OPTIONS+set} ]]; then
  mpi_env+=("TSAN_OPTIONS=${TSAN_OPTIONS:+$TSAN_OPTIONS:}suppressions=$repo_root/tools/tsan-mpi-suppressions.txt")
fi

total=$((${#demos[@]} + ${#mpi_runs[@]}))
index=0

# Runs one demo ("$@": the command) and stops the tour if it fails, saying
# which one it was.
run_demo() {
  local name=$1
  shift
  "$@" || {
    status=$?
    echo "tour.sh: $name failed (exit status $status)" >&2
    exit "$status"
  }
}

for entry in "${demos[@]}"; do
  index=$((index + 1))
  name=${entry%%:*}
  what=${entry#*:}
  if ! exe=$(find_demo "$name"); then
    echo "tour.sh: demo '$name' is not built in '$build_dir'" >&2
    exit 2
  fi
  [[ $index -gt 1 ]] && echo
  echo "== $index/$total $name: $what =="
  run_demo "$name" "$exe"
done

for entry in "${mpi_runs[@]}"; do
  index=$((index + 1))
  name=${entry%%:*}
  what=${entry#*:}
  exe=$(find_demo "$name")
  command=(mpirun -n 3 --oversubscribe "$exe")
  echo
  echo "== $index/$total $name: $what =="
  echo "\$ ${mpi_env[*]} ${command[*]}"
  run_demo "$name" env "${mpi_env[@]}" "${command[@]}"
done

echo
echo "== all $total demos passed =="
