//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// parallel_primes: count the primes below 500,000 in four chunks on four
// worker processes, report each chunk the moment it finishes, and compare
// the total with the same count in one process.
//
// The classic first ProcessPoolExecutor program, `parallel_prime_count(n,
// workers)`, in C++:
//
//   def parallel_prime_count(n, workers):
//       bounds = [(n * i // workers, n * (i + 1) // workers) for i in range(workers)]
//       with ProcessPoolExecutor(max_workers=workers) as ex:
//           chunk_of = {ex.submit(count_primes, lo, hi): (lo, hi) for lo, hi in bounds}
//           for f in as_completed(chunk_of):
//               print(chunk_of[f], f.result())
//           return sum(f.result() for f in chunk_of)
//
// The tasks compute and never wait, so they need cores, not threads: each
// chunk runs in a worker process of its own. What crosses to a worker is the
// function (by its place in the program) and two integers; what comes back
// is a small struct. A worker is a fresh copy of this program that never
// runs main(), so everything a task needs is in its arguments. The task is
// in count_primes.hpp, shared with mpi_primes, which runs the same count on
// MPI ranks with one line changed: the executor.
//
// Counting the primes below 500,000 takes tens of milliseconds, about what
// starting the workers costs, so the demo then repeats the comparison with
// ten times the range, where the work outweighs the start-up.
//
// Run it (from a CMake build directory):
//   demo/parallel_primes [N [WORKERS]]      (default: 500000 4)

#include "count_primes.hpp"

#include <concurrent/futures.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace cf = concurrent::futures;
using demo::chunk_count;
using demo::count_primes;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

// Splits [0, n) into `workers` chunks, counts each on its own worker
// process and, if `report`, prints each chunk as it finishes. Returns the
// total.
long parallel_prime_count(long n, int workers, bool report = true) {
  // The pool's destructor waits for its calls (Python's `with` block).
  cf::process_pool_executor procs{{.max_workers = workers}};

  std::vector<std::pair<long, long>> bounds;
  for (long i = 0; i < workers; ++i)
    bounds.emplace_back(n * i / workers, n * (i + 1) / workers);

  // One submit per chunk; futures key a map back to their chunk, as
  // Python's dict of future -> arguments does.
  std::unordered_map<cf::future<chunk_count>, std::pair<long, long>> chunk_of;
  std::vector<cf::future<chunk_count>> futures;
  for (auto const& [lo, hi] : bounds) {
    futures.push_back(procs.submit(count_primes, lo, hi));
    chunk_of.emplace(futures.back(), std::pair(lo, hi));
  }

  // Each future as it completes, whatever the submission order. The 60 s
  // timeout bounds the whole loop (a hung worker would throw timeout_error).
  long total = 0;
  for (cf::future<chunk_count>& f : cf::as_completed(futures, 60s)) {
    auto const [lo, hi] = chunk_of.at(f);
    chunk_count const c = f.result(); // done: returns at once
    total += c.primes;
    if (report) {
      std::string const range =
          "[" + std::to_string(lo) + ", " + std::to_string(hi) + ")";
      std::printf("  chunk %-18s %7ld primes, %.2f s  (worker pid %d)\n", range.c_str(),
                  c.primes, c.seconds, c.pid);
    }
  }
  return total;
}

struct comparison {
  long parallel, serial;
  double parallel_s, serial_s;
};

// Counts the primes below n on the pool (start-up included: the pool is
// made in the call, as in Python) and in one loop here.
comparison compare(long n, int workers, bool report) {
  comparison c{};
  auto start = steady_clock::now();
  c.parallel = parallel_prime_count(n, workers, report);
  c.parallel_s = seconds_since(start);

  start = steady_clock::now();
  c.serial = count_primes(0, n).primes;
  c.serial_s = seconds_since(start);

  return c;
}

void print_row(char const* label, long primes, long n, double seconds) {
  std::printf("  %-28s %8ld primes below %-9ld %6.2f s\n", label, primes, n, seconds);
}

void print_comparison(long n, int workers, comparison const& c) {
  std::string const pool = "process pool, " + std::to_string(workers) + " workers:";
  print_row(pool.c_str(), c.parallel, n, c.parallel_s);
  print_row("one process, one loop:", c.serial, n, c.serial_s);
  std::printf("  %-28s %8.2fx\n", "speedup:", c.serial_s / c.parallel_s);
}

int run(long n, int workers) {
  unsigned const cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("parallel_primes: the primes below %ld in %d chunks on %d worker "
              "processes,\neach chunk reported as it finishes (cf::as_completed); "
              "this process is pid %d\n\n",
              n, workers, workers, static_cast<int>(::getpid()));

  comparison const seed = compare(n, workers, true);
  std::printf("\n");
  print_comparison(n, workers, seed);

  // The seed's count is a few tens of milliseconds of work, about what it
  // costs to start the workers; ten times the range shows the pool's
  // gain once the work outweighs the start-up.
  long const big = 10 * n;
  std::printf("\nthe same with 10x the range (start-up now small next to the work):\n");
  comparison const scaled = compare(big, workers, false);
  print_comparison(big, workers, scaled);
  std::printf("\nthe pool's times include starting its worker processes; at best the "
              "speedup is\nmin(workers, cores) = %u here, less on a busy machine\n",
              std::min(static_cast<unsigned>(workers), cores));

  bool ok = seed.parallel == seed.serial && scaled.parallel == scaled.serial;
  if (n == 500'000 && seed.serial != 41'538)
    ok = false; // the known count: a wrong is_prime cannot pass unnoticed
  std::printf("\ntotals agree (pool == one loop%s): %s\n",
              n == 500'000 ? " == 41538" : "", ok ? "yes" : "NO");
  if (!ok) {
    std::fprintf(stderr, "parallel_primes: pool %ld and %ld, one process %ld and %ld\n",
                 seed.parallel, scaled.parallel, seed.serial, scaled.serial);
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  long n = 500'000;
  int workers = 4;
  if (argc > 1)
    n = std::strtol(argv[1], nullptr, 10);
  if (argc > 2)
    workers = static_cast<int>(std::strtol(argv[2], nullptr, 10));
  if (argc > 3 || n < 1 || workers < 1) {
    std::fprintf(stderr, "usage: parallel_primes [N [WORKERS]]  (N, WORKERS >= 1)\n");
    return 2;
  }
  try {
    return run(n, workers);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "parallel_primes: %s\n", e.what());
    return 1;
  }
}
