#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
"""The MPI benchmark's driver: ours, mpi4py.futures and the raw C API floor.

bench/mpi/run.sh builds mpi_bench and runs this. Each repeat launches every
contender with mpirun, in an order that rotates from repeat to repeat:

  ours    mpirun -n 3 mpi_bench --impl ours      cf::mpi_comm_executor
          mpirun -n 2 mpi_bench --impl ours      (primes on 1 worker)
  mpi4py  mpirun -n 3 python3 python_mpi.py      MPICommExecutor
          mpirun -n 2 python3 python_mpi.py      (primes on 1 worker)
  raw     mpirun -n 3 mpi_bench --impl raw       MPI_Send / Mprobe+Mrecv

Same layout for all: rank 0 submits, ranks 1 and 2 serve (3 processes on
this machine's cores, --oversubscribe). The load average is read before
every launch and printed with the run. Medians over the repeats; the
targets get PASS or MISS. Only the standard library (the system python3).
"""

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys

ALL = ("roundtrip", "throughput", "map", "primes")
NO_YIELD = {"OMPI_MCA_mpi_yield_when_idle": "0"}
# key: (label, program, extra arguments, [(processes, workloads)], environment)
SPECS = {
    "ours": ("ours: cf::mpi_comm_executor", "ours", [],
             [(3, ALL), (2, ("roundtrip", "primes"))], {}),
    "mpi4py": ("mpi4py.futures MPICommExecutor", "mpi4py", [],
               [(3, ALL), (2, ("roundtrip", "primes"))], {}),
    "raw": ("raw C API (MPI_Send/Mprobe)", "raw", [],
            [(3, ALL), (2, ("roundtrip", "primes"))], {}),
    # Diagnostic variants, not in the targets. The pipeline 16x deeper:
    "ours_cpw32": ("  ours, calls_per_worker 32", "ours", ["--calls-per-worker", "32"],
                   [(3, ("throughput", "map"))], {}),
    "raw_w32": ("  raw, 32 outstanding per worker", "raw", ["--window", "32"],
                [(3, ("throughput", "map"))], {}),
    # Open MPI's oversubscribed default makes every empty poll sched_yield:
    "ours_noyield": ("  ours, mpi_yield_when_idle 0", "ours", [],
                     [(3, ("roundtrip", "throughput", "map"))], NO_YIELD),
    "mpi4py_noyield": ("  mpi4py, mpi_yield_when_idle 0", "mpi4py", [],
                       [(3, ("roundtrip", "throughput", "map"))], NO_YIELD),
    "raw_noyield": ("  raw, mpi_yield_when_idle 0", "raw", [],
                    [(3, ("roundtrip", "throughput", "map"))], NO_YIELD),
}  # fmt: skip
CONTENDERS = tuple(SPECS)
LABELS = {k: v[0] for k, v in SPECS.items()}


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return float("nan")


def median(values):
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")


def fmt(v, digits=2):
    if v != v:
        return "-"
    return f"{v:,.{digits}f}"


def si(v):
    if v != v:
        return "-"
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.2f}{suffix}"
    return f"{v:.1f}"


class Runner:
    def __init__(self, args):
        self.args = args
        self.failures = []
        self.versions = {}

    def mpirun(self, procs, command):
        return [self.args.mpirun, "-n", str(procs), "--oversubscribe"] + command

    def command(self, contender, workloads):
        a = self.args
        q = 10 if a.quick else 1
        program, extra = SPECS[contender][1], SPECS[contender][2]
        if program == "mpi4py":
            return [
                a.python, a.python_script,
                "--workloads", ",".join(workloads),
                "--roundtrip-n", str(a.mpi4py_roundtrip_n // q),
                "--throughput-n", str(a.mpi4py_throughput_n // q),
                "--map-n", str(a.map_n),
                "--primes-n", str(a.mpi4py_primes_n // q),
            ]  # fmt: skip
        return [
            a.bench, "--impl", program,
            "--workloads", ",".join(workloads),
            "--roundtrip-n", str(a.roundtrip_n // q),
            "--throughput-n", str(a.throughput_n // q),
            "--map-n", str(a.map_n),
            "--primes-n", str(a.primes_n // q),
        ] + extra  # fmt: skip

    # One launch: the JSON lines rank 0 printed, each with the load before it.
    def launch(self, contender, procs, workloads):
        cmd = self.mpirun(procs, self.command(contender, workloads))
        load = load_average()
        try:
            p = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=self.args.timeout,
                env=dict(os.environ, **SPECS[contender][4]),
            )
        except subprocess.TimeoutExpired:
            self.failures.append(f"{contender} -n {procs}: timed out: {shlex.join(cmd)}")
            return []
        rows = []
        for line in p.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    r = json.loads(line)
                except ValueError:
                    continue
                r["load"] = load
                rows.append(r)
                for k in ("python", "mpi4py"):
                    if k in r:
                        self.versions[k] = r[k]
        bad = [r for r in rows if not r.get("checksum_ok")]
        if p.returncode != 0 or bad or len(rows) != len(workloads):
            tail = (p.stderr or p.stdout).strip().splitlines()[-3:]
            self.failures.append(
                f"{contender} -n {procs}: exit {p.returncode}, "
                f"{len(bad)} wrong result(s): {' | '.join(tail)}"
            )
        return rows


def run_all(args):
    runner = Runner(args)
    results = {}  # (contender, workload, workers) -> [row]
    contenders = [c for c in CONTENDERS if c in args.only]
    for r in range(args.repeat):
        print(f"[repeat {r + 1}/{args.repeat}]", file=sys.stderr, flush=True)
        shift = r % len(contenders)
        for c in contenders[shift:] + contenders[:shift]:
            for procs, workloads in SPECS[c][3]:
                for row in runner.launch(c, procs, workloads):
                    key = (c, row["workload"], row["workers"])
                    results.setdefault(key, []).append(row)
    return runner, results


def runs(contender, workload):
    return any(workload in w for _, w in SPECS[contender][3])


def rows_text(rows, value, digits=None):
    if digits is None:
        return " ".join(si(value(r)) for r in rows)
    return " ".join(fmt(value(r), digits) for r in rows)


def loads_text(rows):
    return " ".join(fmt(r["load"], 1) for r in rows)


def print_tables(args, results):
    contenders = [c for c in CONTENDERS if c in args.only]
    W = 2

    def get(c, w, workers=W):
        return results.get((c, w, workers), [])

    def med(c, w, field, workers=W):
        return median([field(r) for r in get(c, w, workers)])

    figures = {}

    # Round trip: the 2-worker layout (the target), then 1 worker alone.
    print(
        "\n== round trip: N sequential submit + result of a no-op, one call in flight"
        "\n   microseconds, LOWER is better; x ours = theirs / ours (> 1: ours faster);"
        "\n   raw is the floor (ping-pong with rank 1, the executor's message sizes)"
    )
    head = (
        f"{'contender':<32} {'N':>6} {'p50 us':>9} {'p99 us':>9} {'mean us':>9}"
        f" {'x ours(p50)':>11}  runs: p50 us | load before"
    )
    for workers, layout in (
        (2, "2 workers: mpirun -n 3, 3 processes on the 2 cores (oversubscribed)"),
        (1, "1 worker: mpirun -n 2, not oversubscribed (mpi.md section 5's layout)"),
    ):
        print(f"-- {layout}")
        print(head)
        print("-" * len(head))
        ours_p50 = med("ours", "roundtrip", lambda r: r["p50_us"], workers)
        for c in contenders:
            rows = get(c, "roundtrip", workers)
            if not rows:
                if any("roundtrip" in w and p - 1 == workers for p, w in SPECS[c][3]):
                    print(f"{LABELS[c]:<32} no run succeeded")
                continue
            p50 = med(c, "roundtrip", lambda r: r["p50_us"], workers)
            p99 = med(c, "roundtrip", lambda r: r["p99_us"], workers)
            mean = med(c, "roundtrip", lambda r: r["seconds"] * 1e6 / r["n"], workers)
            suffix = "" if workers == 2 else "1"
            figures[(c, "p50" + suffix)] = p50
            figures[(c, "mean" + suffix)] = mean
            print(
                f"{LABELS[c]:<32} {rows[0]['n']:>6} {fmt(p50):>9} {fmt(p99, 0):>9}"
                f" {fmt(mean, 1):>9} {fmt(p50 / ours_p50):>11}  "
                f"{rows_text(rows, lambda r: r['p50_us'], 1)} | {loads_text(rows)}"
            )

    # Throughput and map.
    for w, what, unit in (
        ("throughput", "a burst of N no-op submits, then every result in order", "calls/s"),
        ("map", "identity over N ints, chunksize 1000, consumed in order", "items/s"),
    ):
        print(
            f"\n== {w}: {what}\n   {unit}, HIGHER is better; ours/theirs = ours' rate"
            " / theirs (> 1: ours faster)"
            + (
                "\n   raw: the same messages, 2 outstanding per worker (ours' calls_per_worker)"
                if w == "throughput"
                else "\n   raw: one message of the executor's chunk size per chunk each way"
            )
        )
        head = (
            f"{'contender':<32} {'N':>7} {unit:>9} {'ours/theirs':>11}"
            "  runs | load before"
        )
        print(head)
        print("-" * len(head))
        ours = med("ours", w, lambda r: r["n"] / r["seconds"])
        for c in contenders:
            if not runs(c, w):
                continue
            rows = get(c, w)
            if not rows:
                print(f"{LABELS[c]:<32} no run succeeded")
                continue
            rate = med(c, w, lambda r: r["n"] / r["seconds"])
            figures[(c, w)] = rate
            print(
                f"{LABELS[c]:<32} {rows[0]['n']:>7} {si(rate):>9} {fmt(ours / rate):>11}"
                f"  {rows_text(rows, lambda r: r['n'] / r['seconds'])} | {loads_text(rows)}"
            )

    # Primes.
    print(
        "\n== primes: the primes below N by trial division in 16 chunks submitted at once,"
        "\n   on 1 worker (mpirun -n 2) and on 2 (mpirun -n 3); seconds LOWER is better;"
        "\n   speedup = median over the repeats of 1-worker s / 2-worker s (ideal 2.00);"
        "\n   each counts below its own N (Python's loop is ~30x slower); raw: plain MPI,"
        "\n   the 16 chunks dealt round robin, the speedup this machine allows now"
    )
    head = (
        f"{'contender':<32} {'N':>8} {'1 worker s':>10} {'2 workers s':>11}"
        f" {'speedup':>8}  runs (speedup) | load before 1w, 2w"
    )
    print(head)
    print("-" * len(head))
    for c in contenders:
        if not runs(c, "primes"):
            continue
        one, two = get(c, "primes", 1), get(c, "primes", 2)
        if not one or not two:
            print(f"{LABELS[c]:<32} no run succeeded")
            continue
        s1 = median([r["seconds"] for r in one])
        s2 = median([r["seconds"] for r in two])
        # Paired: each repeat's 1-worker and 2-worker launches ran back to back.
        pairs = [a["seconds"] / b["seconds"] for a, b in zip(one, two)]
        figures[(c, "speedup")] = median(pairs)
        per = " ".join(fmt(x) for x in pairs)
        loads = " ".join(f"{fmt(a['load'], 1)},{fmt(b['load'], 1)}" for a, b in zip(one, two))
        print(
            f"{LABELS[c]:<32} {one[0]['n']:>8} {fmt(s1, 3):>10} {fmt(s2, 3):>11}"
            f" {fmt(median(pairs)):>8}  {per} | {loads}"
        )

    # Ours against the floor.
    print("\n== ours over the raw MPI floor (same layout, same message sizes)")
    for name, k, unit in (
        ("round trip p50", "p50", "us"),
        ("round trip mean", "mean", "us"),
        ("  1 worker p50", "p501", "us"),
        ("  1 worker mean", "mean1", "us"),
    ):
        o, r = figures.get(("ours", k), float("nan")), figures.get(("raw", k), float("nan"))
        print(
            f"   {name:<16} ours {fmt(o)} {unit}, raw {fmt(r)} {unit}: "
            f"+{fmt(o - r)} {unit}, {fmt(o / r)}x the floor"
        )
    for w in ("throughput", "map"):
        o, r = figures.get(("ours", w), float("nan")), figures.get(("raw", w), float("nan"))
        print(f"   {w:<16} ours {si(o)}/s, raw {si(r)}/s: ours at {fmt(100 * o / r, 1)}%")
    print("   with mpi_yield_when_idle 0 (both):")
    o = figures.get(("ours_noyield", "p50"), float("nan"))
    r = figures.get(("raw_noyield", "p50"), float("nan"))
    print(f"   {'round trip p50':<16} ours {fmt(o)} us, raw {fmt(r)} us: +{fmt(o - r)} us")
    for w in ("throughput", "map"):
        o = figures.get(("ours_noyield", w), float("nan"))
        r = figures.get(("raw_noyield", w), float("nan"))
        print(f"   {w:<16} ours {si(o)}/s, raw {si(r)}/s: ours at {fmt(100 * o / r, 1)}%")
    return figures


def print_targets(figures):
    nan = float("nan")
    targets = [
        ("round trip p50, ours", "<= 15 us", figures.get(("ours", "p50"), nan),
         lambda v: v <= 15, " us"),
        ("throughput, ours / mpi4py", ">= 50x",
         figures.get(("ours", "throughput"), nan) / figures.get(("mpi4py", "throughput"), nan),
         lambda v: v >= 50, "x"),
        ("primes speedup, ours 1 -> 2 workers", ">= 1.8x",
         figures.get(("ours", "speedup"), nan), lambda v: v >= 1.8, "x"),
    ]  # fmt: skip
    print("\n== targets (medians above)")
    results = []
    for name, want, v, ok, unit in targets:
        verdict = "PASS" if v == v and ok(v) else "MISS"
        results.append((name, want, v, verdict))
        print(f"   {name:<38} {want:>9}   measured {fmt(v)}{unit:<3}  {verdict}")
    print("   not targets, the diagnostic variants against the same bars:")
    notes = [
        ("round trip p50, ours, yield_when_idle 0", "<= 15 us",
         figures.get(("ours_noyield", "p50"), nan), lambda v: v <= 15, " us"),
        ("throughput, ours cpw 32 / mpi4py", ">= 50x",
         figures.get(("ours_cpw32", "throughput"), nan)
         / figures.get(("mpi4py", "throughput"), nan), lambda v: v >= 50, "x"),
        ("primes speedup, raw MPI (the machine)", ">= 1.8x",
         figures.get(("raw", "speedup"), nan), lambda v: v >= 1.8, "x"),
    ]  # fmt: skip
    for name, want, v, ok, unit in notes:
        verdict = "(would pass)" if v == v and ok(v) else "(would miss)"
        print(f"   {name:<38} {want:>9}   measured {fmt(v)}{unit:<3}  {verdict}")
    return results


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", required=True, help="the mpi_bench binary")
    p.add_argument("--python", default="/usr/bin/python3", help="python with mpi4py")
    p.add_argument("--python-script", default=os.path.join(here, "python_mpi.py"))
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument(
        "--only",
        default=",".join(CONTENDERS),
        help=f"contenders, default all: {','.join(CONTENDERS)} (the last three are "
        "diagnostic variants)",
    )
    p.add_argument("--quick", action="store_true", help="10x fewer calls (a smoke test)")
    p.add_argument("--timeout", type=float, default=300, help="seconds per mpirun")
    p.add_argument("--json", help="also write the runs and figures here")
    p.add_argument("--roundtrip-n", type=int, default=10_000)
    p.add_argument("--throughput-n", type=int, default=50_000)
    p.add_argument("--map-n", type=int, default=100_000)
    p.add_argument("--primes-n", type=int, default=10_000_000)
    p.add_argument("--mpi4py-roundtrip-n", type=int, default=2_000)
    p.add_argument("--mpi4py-throughput-n", type=int, default=2_000)
    p.add_argument("--mpi4py-primes-n", type=int, default=1_000_000)
    args = p.parse_args()
    args.only = [c for c in args.only.split(",") if c]
    unknown = set(args.only) - set(CONTENDERS)
    if unknown or args.repeat < 1:
        p.error(f"--only takes {','.join(CONTENDERS)}; --repeat >= 1")

    mpirun_version = subprocess.run(
        [args.mpirun, "--version"], capture_output=True, text=True
    ).stdout.splitlines()[:1]
    print("concurrent-futures MPI benchmark: cf::mpi_comm_executor, mpi4py.futures, raw MPI")
    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}; "
        f"load average {load_average()} at start; {' '.join(mpirun_version)}"
    )
    print(
        f"layout: mpirun -n 3 --oversubscribe (rank 0 submits, 2 worker ranks) for all; "
        f"primes also -n 2 (1 worker)\nmedian of {args.repeat} repeat(s), contenders "
        "interleaved (order rotates each repeat), load average read before each launch"
        + ("; --quick: 10x fewer calls" if args.quick else "")
    )
    runner, results = run_all(args)
    print(
        f"mpi4py {runner.versions.get('mpi4py', '?')} on Python "
        f"{runner.versions.get('python', '?')} ({args.python}), defaults (backoff 1 ms); "
        "ours with its defaults (calls_per_worker 2, poll_max 1 ms)"
    )
    figures = print_tables(args, results)
    targets = print_targets(figures)
    print(f"(load average {load_average()} at the end, on {os.cpu_count()} cores)")
    for f in runner.failures:
        print(f"FAILED: {f}")
    if args.json:
        with open(args.json, "w") as js:
            json.dump(
                {
                    "runs": [
                        dict(r, contender=k[0]) for k, rows in results.items() for r in rows
                    ],
                    "figures": {f"{k[0]}.{k[1]}": v for k, v in figures.items()},
                    "targets": [
                        {"name": n, "target": t, "measured": v, "verdict": s}
                        for n, t, v, s in targets
                    ],
                    "failures": runner.failures,
                },
                js,
                indent=1,
            )
    return 1 if runner.failures else 0


if __name__ == "__main__":
    sys.exit(main())
