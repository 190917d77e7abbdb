//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// mpi_primes: parallel_primes on MPI ranks. The same count of the primes
// below 500,000 in four chunks, each reported as it finishes, the total
// checked against one loop; but the chunks run on the other ranks of an MPI
// job, which may be other machines, instead of worker processes of this one.
//
// What changes from parallel_primes is the executor, one line:
//
//   cf::process_pool_executor procs{{.max_workers = workers}};   // parallel_primes
//   cf::mpi_comm_executor procs;                                  // here
//
// The task (count_primes.hpp, the same function), submit, as_completed and
// result() stay as they are. In Python with mpi4py:
//
//   from mpi4py.futures import MPICommExecutor
//   with MPICommExecutor() as ex:
//       if ex is not None:                   # the root; the others serve
//           chunk_of = {ex.submit(count_primes, lo, hi): (lo, hi) for lo, hi in bounds}
//           for f in as_completed(chunk_of): ...
//
// mpirun starts every rank as a copy of this program. All of them run main()
// up to the executor: its constructor is collective. Rank 0 gets an executor
// and goes on; every other rank serves rank 0's calls inside the constructor
// and returns from it once rank 0 shut the executor down (is_worker() true),
// then leaves main. The ranks are the job's, so the executor is made once,
// in main, not per count as parallel_primes makes its pool.
//
// Run it (from a CMake build directory; on one machine, as root, set
// OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 too):
//   mpirun -n 3 --oversubscribe demo/mpi_primes [N [CHUNKS]]   (default: 500000 4)

#include "count_primes.hpp"

#include <concurrent/futures.hpp>
#include <concurrent/futures/mpi.hpp>

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

// Splits [0, n) into `chunks` chunks, counts each on a worker rank and, if
// `report`, prints each chunk as it finishes. Returns the total. The body
// is parallel_primes' own: it takes any executor whose calls cross
// processes (cf::remote_executor), a process pool or MPI ranks.
long parallel_prime_count(cf::remote_executor& procs, long n, int chunks,
                          bool report = true) {
  std::vector<std::pair<long, long>> bounds;
  for (long i = 0; i < chunks; ++i)
    bounds.emplace_back(n * i / chunks, n * (i + 1) / chunks);

  std::unordered_map<cf::future<chunk_count>, std::pair<long, long>> chunk_of;
  std::vector<cf::future<chunk_count>> futures;
  for (auto const& [lo, hi] : bounds) {
    futures.push_back(procs.submit(count_primes, lo, hi));
    chunk_of.emplace(futures.back(), std::pair(lo, hi));
  }

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

comparison compare(cf::remote_executor& procs, long n, int chunks, bool report) {
  comparison c{};
  auto start = steady_clock::now();
  c.parallel = parallel_prime_count(procs, n, chunks, report);
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
  std::string const ranks = "MPI, " + std::to_string(workers) + " worker ranks:";
  print_row(ranks.c_str(), c.parallel, n, c.parallel_s);
  print_row("rank 0 alone, one loop:", c.serial, n, c.serial_s);
  std::printf("  %-28s %8.2fx\n", "speedup:", c.serial_s / c.parallel_s);
}

int run(cf::mpi_comm_executor& procs, int ranks, double ready_s, long n, int chunks) {
  int const workers = procs.num_workers();
  unsigned const cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("mpi_primes: the primes below %ld in %d chunks on %d worker ranks of %d "
              "(ranks 1..%d serve),\neach chunk reported as it finishes "
              "(cf::as_completed); rank 0 is pid %d\n",
              n, chunks, workers, ranks, ranks - 1, static_cast<int>(::getpid()));
  std::printf("executor ready in %.3f s (every rank checked it runs this build)\n\n",
              ready_s);

  comparison const seed = compare(procs, n, chunks, true);
  std::printf("\n");
  print_comparison(n, workers, seed);

  // The ranks were started once, by mpirun: unlike the process pool's
  // times, these include no start-up, so 10x the range shows the same
  // gain as the seed, a little steadier.
  long const big = 10 * n;
  std::printf("\nthe same with 10x the range:\n");
  comparison const scaled = compare(procs, big, chunks, false);
  print_comparison(big, workers, scaled);
  std::printf(
      "\nat best the speedup is min(worker ranks, chunks, cores) = %u here, less "
      "on a busy machine\n(or one running more ranks than it has cores)\n",
      std::min({static_cast<unsigned>(workers), static_cast<unsigned>(chunks), cores}));

  bool ok = seed.parallel == seed.serial && scaled.parallel == scaled.serial;
  if (n == 500'000 && seed.serial != 41'538)
    ok = false; // the known count: a wrong is_prime cannot pass unnoticed
  std::printf("\ntotals agree (ranks == one loop%s): %s\n",
              n == 500'000 ? " == 41538" : "", ok ? "yes" : "NO");
  if (!ok) {
    std::fprintf(stderr, "mpi_primes: ranks %ld and %ld, one loop %ld and %ld\n",
                 seed.parallel, scaled.parallel, seed.serial, scaled.serial);
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  // First: MPI is up before anything else runs, and ends after the executor.
  cf::mpi_environment mpi(argc, argv);

  // Every rank parses the same arguments, so all of them stop here together
  // or none does (a rank that left early would leave the others waiting).
  long n = 500'000;
  int chunks = 4;
  if (argc > 1)
    n = std::strtol(argv[1], nullptr, 10);
  if (argc > 2)
    chunks = static_cast<int>(std::strtol(argv[2], nullptr, 10));
  if (argc > 3 || n < 1 || chunks < 1) {
    if (mpi.rank() == 0)
      std::fprintf(stderr,
                   "usage: mpirun -n N mpi_primes [N [CHUNKS]]  (N, CHUNKS >= 1)\n");
    return 2;
  }
  if (mpi.size() < 2) {
    std::fprintf(stderr,
                 "mpi_primes: one rank, so none to serve; run it with mpirun -n 3 "
                 "(add --oversubscribe on a machine with fewer cores)\n");
    return 2;
  }

  try {
    auto const start = steady_clock::now();
    cf::mpi_comm_executor procs; // ranks 1..N-1 serve in here
    if (procs.is_worker())
      return 0; // rank 0 has shut the executor down
    return run(procs, mpi.size(), seconds_since(start), n, chunks);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "mpi_primes: rank %d: %s\n", mpi.rank(), e.what());
    return 1;
  }
}
