#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
"""mpi4py.futures' MPICommExecutor on the workloads of mpi_bench.

Run under mpirun, as mpi_bench --impl ours is (bench/mpi/run.sh does):

  mpirun -n 3 --oversubscribe /usr/bin/python3 python_mpi.py --workloads roundtrip

Rank 0 submits, the other ranks serve (MPICommExecutor(COMM_WORLD, root=0),
mpi4py's twin of cf::mpi_comm_executor), with mpi4py's defaults (backoff
1 ms, MPI_THREAD_MULTIPLE). Rank 0 prints one line of JSON per workload,
timed with time.perf_counter_ns (monotonic). Every call checks that it ran
on a worker: on rank 0 it returns -1, which breaks the checked sum.
"""

import argparse
import json
import math
import sys
import time

from mpi4py import MPI
from mpi4py.futures import MPICommExecutor

RANK = MPI.COMM_WORLD.Get_rank()


def identity(x):
    return -1 if RANK == 0 else x


def rank_after(ms):
    time.sleep(ms / 1000)
    return RANK


def is_prime(x):
    if x < 2:
        return False
    if x < 4:
        return True
    if x % 2 == 0:
        return False
    for d in range(3, math.isqrt(x) + 1, 2):
        if x % d == 0:
            return False
    return True


def count_primes(first, end, block, stride):
    # The primes in blocks [first + j * stride, + block) below end, by trial
    # division (mpi_bench.cpp has the same loop).
    if RANK == 0:
        return -1
    count = 0
    for b in range(first, end, stride):
        for x in range(b, min(b + block, end)):
            count += is_prime(x)
    return count


def primes_below(n):
    # A sieve, not the code under test.
    if n < 3:
        return 0
    sieve = bytearray([1]) * n
    sieve[0] = sieve[1] = 0
    for i in range(2, math.isqrt(n - 1) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, n, i)))
    return sum(sieve)


def start_workers(ex, workers):
    # Rounds of short sleeps until every worker rank has run a call.
    ranks = set()
    for _ in range(50):
        if len(ranks) >= workers:
            break
        futures = [ex.submit(rank_after, 5) for _ in range(2 * workers)]
        ranks.update(f.result() for f in futures)
    if len(ranks) != workers or 0 in ranks:
        raise RuntimeError(f"calls ran on ranks {sorted(ranks)}, not the {workers} workers")


def round_trip(ex, n):
    samples = [0] * n
    clock = time.perf_counter_ns
    submit = ex.submit
    total = 0
    t0 = clock()
    for i in range(n):
        s = clock()
        total += submit(identity, i).result()
        samples[i] = clock() - s
    t1 = clock()
    samples.sort()
    return {
        "seconds": (t1 - t0) / 1e9,
        "checksum_ok": total == n * (n - 1) // 2,
        "p50_us": samples[n // 2] / 1e3,
        "p99_us": samples[min(n - 1, n * 99 // 100)] / 1e3,
    }


def throughput(ex, n):
    t0 = time.perf_counter_ns()
    futures = [ex.submit(identity, i) for i in range(n)]
    total = 0
    for f in futures:
        total += f.result()
    del futures
    t1 = time.perf_counter_ns()
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": total == n * (n - 1) // 2}


def map_(ex, n, chunksize):
    inputs = list(range(n))
    t0 = time.perf_counter_ns()
    total = 0
    for v in ex.map(identity, inputs, chunksize=chunksize):
        total += v
    t1 = time.perf_counter_ns()
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": total == n * (n - 1) // 2}


def primes(ex, n, chunks, blocks_per_chunk):
    block = max(1, n // (chunks * blocks_per_chunk))
    stride = block * chunks
    t0 = time.perf_counter_ns()
    futures = [ex.submit(count_primes, k * block, n, block, stride) for k in range(chunks)]
    counts = [f.result() for f in futures]
    t1 = time.perf_counter_ns()
    count = sum(counts)
    ok = min(counts) >= 0 and count == primes_below(n)
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": ok, "count": count}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default="roundtrip,throughput,map,primes")
    p.add_argument("--roundtrip-n", type=int, default=2000)
    p.add_argument("--throughput-n", type=int, default=2000)
    p.add_argument("--map-n", type=int, default=100_000)
    p.add_argument("--chunksize", type=int, default=1000)
    p.add_argument("--primes-n", type=int, default=1_500_000)
    p.add_argument("--chunks", type=int, default=16)
    p.add_argument("--blocks-per-chunk", type=int, default=32)
    args = p.parse_args()
    size = MPI.COMM_WORLD.Get_size()
    if size < 2:
        p.error("run under mpirun -n 2 or more (rank 0 submits)")
    workers = size - 1
    ok = True
    with MPICommExecutor(MPI.COMM_WORLD, root=0) as ex:
        if ex is None:  # a worker rank: it served until rank 0 was done
            return 0
        start_workers(ex, workers)
        for w in args.workloads.split(","):
            if w == "roundtrip":
                n = args.roundtrip_n
                r = round_trip(ex, n)
            elif w == "throughput":
                n = args.throughput_n
                r = throughput(ex, n)
            elif w == "map":
                n = args.map_n
                r = map_(ex, n, args.chunksize)
            elif w == "primes":
                n = args.primes_n
                r = primes(ex, n, args.chunks, args.blocks_per_chunk)
            else:
                raise SystemExit(f"unknown workload {w}")
            out = {"impl": "mpi4py", "workload": w, "workers": workers, "n": n}
            out.update(r)
            out["python"] = sys.version.split()[0]
            out["mpi4py"] = __import__("mpi4py").__version__
            print(json.dumps(out), flush=True)
            ok = ok and r["checksum_ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
