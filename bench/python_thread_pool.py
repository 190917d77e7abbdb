#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
"""Python's ThreadPoolExecutor on the workloads of thread_pool_bench.

thread_pool_bench runs this once per workload and repeat and reads the one
line of JSON it prints. Each run creates a fresh pool, starts all its threads
before the clock starts, and measures with time.perf_counter_ns (a monotonic
clock, as steady_clock is in the C++ driver).

  python3 python_thread_pool.py --workload throughput --n 100000 --workers 2
"""

import argparse
import concurrent.futures
import json
import sys
import threading
import time


def identity(x):
    return x


def start_threads(pool, workers):
    # ThreadPoolExecutor starts threads lazily; a barrier of `workers` tasks
    # needs every thread at once, so all exist before the clock starts.
    barrier = threading.Barrier(workers)
    for f in [pool.submit(barrier.wait) for _ in range(workers)]:
        f.result()


def throughput(pool, n):
    expected = n * (n - 1) // 2
    t0 = time.perf_counter_ns()
    futures = [pool.submit(identity, i) for i in range(n)]
    total = 0
    for f in futures:
        total += f.result()
    del futures
    t1 = time.perf_counter_ns()
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": total == expected}


def round_trip(pool, n):
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


def map_(pool, n):
    inputs = list(range(n))
    expected = n * (n - 1) // 2
    t0 = time.perf_counter_ns()
    total = 0
    for v in pool.map(identity, inputs):
        total += v
    t1 = time.perf_counter_ns()
    return {"seconds": (t1 - t0) / 1e9, "checksum_ok": total == expected}


WORKLOADS = {"throughput": throughput, "roundtrip": round_trip, "map": map_}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    if args.n <= 0 or args.workers <= 0:
        p.error("--n and --workers must be > 0")

    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        start_threads(pool, args.workers)
        r = WORKLOADS[args.workload](pool, args.n)

    r.update(
        workload=args.workload,
        n=args.n,
        workers=args.workers,
        rate=args.n / r["seconds"],
        mean_us=r["seconds"] * 1e6 / args.n,
        python=sys.version.split()[0],
    )
    print(json.dumps(r))
    return 0 if r["checksum_ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
