#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
"""asyncio's loop.run_in_executor on the workloads of bridge_bench.

bridge_bench runs this once per workload and repeat and reads the one line of
JSON it prints. Each run creates a fresh event loop and a fresh
ThreadPoolExecutor, starts all its threads before the clock starts, and
measures with time.perf_counter_ns (a monotonic clock, as steady_clock is in
the C++ driver). The task checks that it does not run on the loop's thread,
and every await checks that it resumed there.

  python3 python_bridge.py --workload hop --n 20000 --workers 2
"""

import argparse
import asyncio
import concurrent.futures
import json
import sys
import threading
import time

LOOP_THREAD = None


def task(i):
    # Wrong on the loop's thread: the checksum then fails.
    return -1 if threading.get_ident() == LOOP_THREAD else 3 * i + 1


def expected(n):
    return 3 * n * (n - 1) // 2 + n


def start_threads(pool, workers):
    # ThreadPoolExecutor starts threads lazily; a barrier of `workers` tasks
    # needs every thread at once, so all exist before the clock starts.
    barrier = threading.Barrier(workers)
    for f in [pool.submit(barrier.wait) for _ in range(workers)]:
        f.result()


async def hop(loop, pool, n, coroutines):
    del coroutines
    laps = [0] * n
    clock = time.perf_counter_ns
    total = 0
    misplaced = 0
    t0 = clock()
    for i in range(n):
        s = clock()
        total += await loop.run_in_executor(pool, task, i)
        misplaced += threading.get_ident() != LOOP_THREAD
        laps[i] = clock() - s
    t1 = clock()
    laps.sort()
    return t1 - t0, total, misplaced, {
        "p50_ns": laps[n // 2],
        "p99_ns": laps[min(n - 1, n * 99 // 100)],
    }


async def fanout_coroutines(loop, pool, n, coroutines):
    per = n // coroutines

    async def one(first):
        total = 0
        misplaced = 0
        for i in range(first, first + per):
            total += await loop.run_in_executor(pool, task, i)
            misplaced += threading.get_ident() != LOOP_THREAD
        return total, misplaced

    t0 = time.perf_counter_ns()
    results = await asyncio.gather(*(one(c * per) for c in range(coroutines)))
    t1 = time.perf_counter_ns()
    return (t1 - t0, sum(r[0] for r in results), sum(r[1] for r in results), {})


async def fanout_futures(loop, pool, n, coroutines):
    del coroutines
    total = 0
    t0 = time.perf_counter_ns()
    futures = [loop.run_in_executor(pool, task, i) for i in range(n)]
    for f in futures:
        total += await f
    del futures
    t1 = time.perf_counter_ns()
    return t1 - t0, total, int(threading.get_ident() != LOOP_THREAD), {}


WORKLOADS = {
    "hop": hop,
    "fanout_coroutines": fanout_coroutines,
    "fanout_futures": fanout_futures,
}


async def run(args):
    global LOOP_THREAD
    LOOP_THREAD = threading.get_ident()
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        start_threads(pool, args.workers)
        return await WORKLOADS[args.workload](loop, pool, args.n, args.coroutines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
    p.add_argument("--n", type=int, required=True)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--coroutines", type=int, default=1000)
    args = p.parse_args()
    if args.n <= 0 or args.workers <= 0 or args.coroutines <= 0:
        p.error("--n, --workers and --coroutines must be > 0")
    if args.workload == "fanout_coroutines" and args.n % args.coroutines:
        p.error("--n must be a multiple of --coroutines")

    ns, total, misplaced, extra = asyncio.run(run(args))
    seconds = ns / 1e9
    r = {
        "workload": args.workload,
        "n": args.n,
        "workers": args.workers,
        "seconds": seconds,
        "checksum_ok": total == expected(args.n),
        "misplaced": misplaced,
        "rate": args.n / seconds,
        "mean_ns": ns / args.n,
        "python": sys.version.split()[0],
    }
    r.update(extra)
    print(json.dumps(r))
    return 0 if r["checksum_ok"] and misplaced == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
