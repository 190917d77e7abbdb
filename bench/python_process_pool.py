#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
"""Python's ProcessPoolExecutor on the workloads of process_pool_bench.

process_pool_bench runs this once per workload and repeat and reads the one
line of JSON it prints. Each run creates a fresh pool with the start method
given (default forkserver, Python's default from 3.14; it is chosen
explicitly through multiprocessing.get_context, so Python 3.11 to 3.13 run
the same thing), waits until every worker process has run a call, then
measures with time.perf_counter_ns (a monotonic clock, as steady_clock is in
the C++ driver). Every call checks that it runs in a worker: in this
process it returns -1, which breaks the checked sum.

  python3 python_process_pool.py --workload throughput --n 20000 --workers 2
"""

import argparse
import concurrent.futures
import json
import math
import multiprocessing
import os
import sys
import time

# True in the process that runs main(). A worker imports this file as
# __mp_main__ (forkserver, spawn) and never runs main(); a forked worker
# inherits True, which the fork hook below undoes.
IN_MAIN_PROCESS = False


def _forked_child():
    global IN_MAIN_PROCESS
    IN_MAIN_PROCESS = False


os.register_at_fork(after_in_child=_forked_child)


def identity(x):
    return -1 if IN_MAIN_PROCESS else x


def pid_after(ms):
    time.sleep(ms / 1000)
    return -1 if IN_MAIN_PROCESS else os.getpid()


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
    # division (process_pool_bench.cpp has the same loop).
    if IN_MAIN_PROCESS:
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


def start_workers(pool, workers):
    # ProcessPoolExecutor starts a process per submit that finds none idle
    # (with forkserver and spawn); rounds of `workers` short sleeps go on
    # until each worker has run one, so none starts inside the clock.
    pids = set()
    for _ in range(20):
        if len(pids) >= workers:
            break
        futures = [pool.submit(pid_after, 20) for _ in range(workers)]
        for pid in [f.result() for f in futures]:
            if pid <= 0:
                raise RuntimeError("a call ran in the driver, not in a worker")
            pids.add(pid)
    if len(pids) != workers:
        raise RuntimeError(f"calls ran on {len(pids)} worker processes, not {workers}")


def throughput(pool, args):
    n = args.n
    expected = n * (n - 1) // 2
    t0 = time.perf_counter_ns()
    futures = [pool.submit(identity, i) for i in range(n)]
    total = 0
    for f in futures:
        total += f.result()
    del futures
    t1 = time.perf_counter_ns()
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": total == expected}


def round_trip(pool, args):
    n = args.n
    samples = [0] * n
    clock = time.perf_counter_ns
    submit = pool.submit
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


def map_(pool, args):
    n = args.n
    inputs = list(range(n))
    expected = n * (n - 1) // 2
    t0 = time.perf_counter_ns()
    total = 0
    for v in pool.map(identity, inputs, chunksize=args.chunksize):
        total += v
    t1 = time.perf_counter_ns()
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": total == expected}


def primes(pool, args):
    n = args.n
    block = max(1, n // (args.chunks * args.blocks_per_chunk))
    stride = block * args.chunks
    t0 = time.perf_counter_ns()
    futures = [
        pool.submit(count_primes, k * block, n, block, stride)
        for k in range(args.chunks)
    ]
    counts = [f.result() for f in futures]
    t1 = time.perf_counter_ns()
    count = sum(counts)
    ok = min(counts) >= 0 and count == primes_below(n)
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": ok, "count": count}


WORKLOADS = {
    "throughput": throughput,
    "roundtrip": round_trip,
    "map": map_,
    "primes": primes,
}


def main():
    global IN_MAIN_PROCESS
    IN_MAIN_PROCESS = True
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--chunksize", type=int, default=1000, help="map's chunksize")
    p.add_argument("--chunks", type=int, default=16, help="calls of the prime count")
    p.add_argument("--blocks-per-chunk", type=int, default=32)
    p.add_argument(
        "--start-method",
        choices=multiprocessing.get_all_start_methods(),
        default="forkserver",
    )
    args = p.parse_args()
    sizes = (args.n, args.workers, args.chunksize, args.chunks, args.blocks_per_chunk)
    if min(sizes) <= 0:
        p.error("--n, --workers, --chunksize, --chunks, --blocks-per-chunk must be > 0")

    context = multiprocessing.get_context(args.start_method)
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=args.workers, mp_context=context
    ) as pool:
        start_workers(pool, args.workers)
        r = WORKLOADS[args.workload](pool, args)

    r.update(
        workload=args.workload,
        n=args.n,
        workers=args.workers,
        start_method=context.get_start_method(),
        rate=args.n / r["seconds"],
        mean_us=r["seconds"] * 1e6 / args.n,
        python=sys.version.split()[0],
    )
    print(json.dumps(r))
    return 0 if r["checksum_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
