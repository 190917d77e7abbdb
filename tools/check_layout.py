#!/usr/bin/env python3
#
# Copyright (c) 2026 The concurrent-futures authors.
#
# Distributed under the Boost Software License, Version 1.0.
#
"""Checks the map of docs/internals.md: every header and source file belongs
to one part, and an #include only follows an arrow the map allows. Also
keeps every file of include/ and lib/ under the size one reader can hold.

    python3 tools/check_layout.py        # exit 1 and one line per violation
"""

import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PUBLIC = "include/concurrent/futures/"

# Where each part lives: the first matching pattern wins (a folder ends in
# '/'). Keep in step with the table in docs/internals.md.
PARTS = [
    ("Umbrella", [r"include/concurrent/futures\.hpp"]),
    ("Future", [
        PUBLIC + r"(future|promise|exceptions|config|return_when)\.hpp",
        PUBLIC + r"detail/(shared_state|future_handle|async_op|task_memory)\.hpp",
        PUBLIC + r"detail/asio/",
        PUBLIC + r"impl/future\.hpp",
        r"lib/(future|exceptions)\.cpp", r"lib/detail/future/",
    ]),
    ("Waiting", [
        PUBLIC + r"(wait|as_completed)\.hpp", PUBLIC + r"impl/(wait|as_completed)\.hpp",
        PUBLIC + r"detail/deadline_watch\.hpp",
        r"lib/(wait|as_completed)\.cpp", r"lib/detail/waiting/",
    ]),
    ("Executor", [
        PUBLIC + r"(executor|map|after)\.hpp",
        PUBLIC + r"detail/(task|dependent_task|remote_seam|ring_window)\.hpp",
        r"lib/executor\.cpp", r"lib/detail/executor/",
    ]),
    ("Threads", [PUBLIC + r"thread_pool_executor\.hpp", r"lib/thread_pool_executor\.cpp",
                 r"lib/detail/threads/"]),
    ("Wire", [
        PUBLIC + r"(codec|boost_serialization|remote_executor)\.hpp", PUBLIC + r"detail/codec/",
        PUBLIC + r"detail/wire/", r"lib/detail/wire/",
    ]),
    ("Processes", [PUBLIC + r"process_pool_executor\.hpp", PUBLIC + r"detail/process/",
                   r"lib/process_pool_executor\.cpp", r"lib/detail/process/"]),
    ("Mpi", [PUBLIC + r"mpi(_[a-z_]+)?\.hpp", PUBLIC + r"detail/mpi/",
             r"lib/mpi_[a-z_]+\.cpp", r"lib/detail/mpi/"]),
    ("Bridge", [PUBLIC + r"run_in_executor\.hpp", r"lib/run_in_executor\.cpp"]),
    ("System", [r"lib/detail/sys/"]),
]

# Who may include whom, besides itself. The foundation (Future, Waiting,
# Executor) reaches neither the Wire nor a pool; one pool never reaches the
# other; the Wire knows no pool.
ALLOWED = {
    "Future": {"System"},
    "Waiting": {"Future", "System"},
    "Executor": {"Future", "Waiting", "System"},
    "Threads": {"Executor", "Future", "Waiting", "System"},
    "Wire": {"Executor", "Future", "System"},
    "Processes": {"Wire", "Executor", "Future", "Waiting", "System"},
    # The MPI executors reach the process pool only through its public
    # header: `isolate_calls` runs calls in a one-worker process pool.
    "Mpi": {"Processes", "Wire", "Executor", "Future", "Waiting", "System"},
    "Bridge": {"Threads", "Executor", "Future", "Waiting", "System"},
    "System": {"Future"},
    "Umbrella": {"Future", "Waiting", "Executor", "Threads", "Wire", "Processes", "Bridge"},
}

# Where a part may reach another only through some of its files.
ONLY_THROUGH = {
    ("Mpi", "Processes"): {"include/concurrent/futures/process_pool_executor.hpp"},
}

MAX_LINES = 700

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def part_of(rel):
    for name, patterns in PARTS:
        for p in patterns:
            if p.endswith("/"):
                if re.match(p, rel):
                    return name
            elif re.fullmatch(p, rel):
                return name
    return None


def resolve(src, kind, target):
    """The repository path an #include names, or None for other libraries."""
    if kind == "<":
        if target.startswith("concurrent/"):
            return "include/" + target
        return None
    candidate = (ROOT / src).parent / target
    if candidate.exists():
        return str(candidate.resolve().relative_to(ROOT))
    lib = ROOT / "lib" / target
    if lib.exists():
        return str(lib.resolve().relative_to(ROOT))
    return None


def main():
    files = sorted(
        str(p.relative_to(ROOT))
        for top in ("include", "lib")
        for p in (ROOT / top).rglob("*")
        if p.suffix in (".hpp", ".cpp", ".ipp"))
    problems = []
    for rel in files:
        part = part_of(rel)
        if part is None:
            problems.append(f"{rel}: in no part; place it in a part's folder "
                            "(tools/check_layout.py, docs/internals.md)")
            continue
        text = (ROOT / rel).read_text()
        lines = text.count("\n")
        if lines >= MAX_LINES:
            problems.append(f"{rel}: {lines} lines; split it by idea (limit {MAX_LINES})")
        for m in INCLUDE.finditer(text):
            target = resolve(rel, m.group(1), m.group(2))
            if target is None:
                continue
            other = part_of(target)
            if other is None or other == part:
                continue
            gate = ONLY_THROUGH.get((part, other))
            if gate is not None and target not in gate:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: {part} includes {target} ({other}); "
                                f"{part} may reach {other} only through "
                                f"{', '.join(sorted(gate))}")
                continue
            if other not in ALLOWED[part]:
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{rel}:{line}: {part} includes {target} ({other}); "
                                f"{part} may reach only {', '.join(sorted(ALLOWED[part]))}")
    for p in problems:
        print(p)
    print(f"check_layout: {len(files)} files, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
