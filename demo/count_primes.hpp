//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DEMO_COUNT_PRIMES_HPP
#define CONCURRENT_FUTURES_DEMO_COUNT_PRIMES_HPP

// The seed's task, shared by the demos that count primes in other processes
// (parallel_primes on a process pool, mpi_primes and mpi_server on MPI
// ranks): the primes in [lo, hi), by trial division.
//
// It is a free function, so it crosses to a worker by its place in the
// program; its arguments are two integers and its result an aggregate of
// codable fields, so nothing else is needed for it to run in another
// process or on another machine. A worker runs the same build of the
// program and never runs main(): everything the task needs is in its
// arguments.

#include <unistd.h>

#include <chrono>

namespace demo {

/// What a worker sends back for one chunk. An aggregate of codable fields,
/// so it crosses the process boundary field by field; no code needed.
struct chunk_count {
  long primes;
  double seconds; // the worker's own time for the chunk
  int pid;        // which process counted it
};

inline bool is_prime(long n) {
  if (n < 2)
    return false;
  if (n % 2 == 0)
    return n == 2;
  for (long d = 3; d * d <= n; d += 2)
    if (n % d == 0)
      return false;
  return true;
}

/// The task, run in a worker process: the primes in [lo, hi), by trial
/// division (deliberately plain: the point is the CPU time).
inline chunk_count count_primes(long lo, long hi) {
  auto const start = std::chrono::steady_clock::now();
  long n = 0;
  for (long i = lo; i < hi; ++i)
    n += is_prime(i) ? 1 : 0;
  return {n,
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
          static_cast<int>(::getpid())};
}

} // namespace demo

#endif
