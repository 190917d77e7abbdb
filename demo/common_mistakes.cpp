//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// common_mistakes: three ways to lose what a pool gives, each timed next
// to its fix and printed as one table.
//
// In Python, the slow way and the fast way of each:
//
//   # a. a process pool for work that waits (I/O)
//   with ProcessPoolExecutor() as ex: list(ex.map(wait_for_io, ids))      # slow
//   with ThreadPoolExecutor(20) as ex: list(ex.map(wait_for_io, ids))     # fast
//
//   # b. result() right after each submit()
//   for lo in starts: total += ex.submit(count_primes, lo).result()       # slow
//   fs = [ex.submit(count_primes, lo) for lo in starts]                   # fast
//   for f in as_completed(fs): total += f.result()
//
//   # c. a new executor per call
//   for x in xs:
//       with ProcessPoolExecutor() as ex: ex.submit(f, x).result()        # slow
//   with ProcessPoolExecutor() as ex:
//       for x in xs: ex.submit(f, x).result()                             # fast
//
// a. Waiting needs no core. A process pool has one worker per core (its
//    default), so 40 waits on 2 cores take 20 rounds; 20 threads wait
//    side by side, and a call to a thread crosses no process boundary.
// b. result() blocks until that call is done, so the next submit() waits
//    for it: one worker busy, the others idle. Submit everything first.
// c. A process pool starts processes (a fork server, then its workers) and
//    stops them at shutdown; that costs far more than a small call. Make
//    one pool and reuse it.
//
// The ratios depend on the machine (cores, load); the demo reports them
// and checks only that both ways compute the same results.
//
// Run it (from a CMake build directory):
//   demo/common_mistakes

#include <concurrent/futures.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

// ---------------------------------------------------------------- tasks
// Free functions with codable arguments and results: both pools can run
// them.

// Stands for a call that mostly waits (a download, a query): 50 ms.
int wait_for_io(int id) {
  std::this_thread::sleep_for(50ms);
  return id;
}

bool is_prime(long n) {
  if (n < 2)
    return false;
  if (n % 2 == 0)
    return n == 2;
  for (long d = 3; d * d <= n; d += 2)
    if (n % d == 0)
      return false;
  return true;
}

// Pure computation: the primes in [lo, lo + width).
long count_primes(long lo, long width) {
  long n = 0;
  for (long i = lo; i < lo + width; ++i)
    n += is_prime(i) ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------- timing

template <class F>
double seconds_of(F&& fn) {
  auto const start = steady_clock::now();
  fn();
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

struct row {
  std::string mistake;
  std::string detail; // what the two ways ran
  double slow, fast;
  bool same; // both ways computed the same results
};

// a. 40 waits of 50 ms: a process pool of one worker per core (the
// default), against 20 threads. Both times include making the pool.
row io_on_a_process_pool(unsigned cores) {
  constexpr int calls = 40, threads = 20;
  std::vector<int> ids;
  for (int i = 0; i < calls; ++i)
    ids.push_back(i);
  long slow_sum = 0, fast_sum = 0;
  double const slow = seconds_of([&] {
    cf::process_pool_executor procs; // max_workers: the CPUs
    for (int id : procs.map(wait_for_io, ids))
      slow_sum += id;
  });
  double const fast = seconds_of([&] {
    cf::thread_pool_executor pool{{.max_workers = threads}};
    for (int id : pool.map(wait_for_io, ids))
      fast_sum += id;
  });
  return {"a. a process pool for I/O-bound work",
          std::to_string(calls) + " waits of 50 ms: " + std::to_string(cores) +
              " worker processes vs " + std::to_string(threads) + " threads",
          slow, fast, slow_sum == fast_sum};
}

// b. 8 prime counts of about 50 ms on a process pool of one worker per
// core, started beforehand: result() after each submit, against submitting
// all and taking them with as_completed.
constexpr int prime_calls = 8;

row result_after_each_submit(unsigned cores) {
  constexpr int calls = prime_calls;
  constexpr long width = 250'000;
  std::vector<long> starts;
  for (int i = 0; i < calls; ++i)
    starts.push_back(1'000'000 + i * width);

  cf::process_pool_executor procs{{.max_workers = static_cast<int>(cores)}};
  auto submit_all_then_collect = [&] {
    std::vector<cf::future<long>> futures;
    for (long lo : starts)
      futures.push_back(procs.submit(count_primes, lo, width));
    long total = 0;
    for (cf::future<long>& f : cf::as_completed(futures))
      total += f.result();
    return total;
  };
  submit_all_then_collect(); // untimed: starts every worker

  long slow_total = 0, fast_total = 0;
  double const slow = seconds_of([&] {
    for (long lo : starts)
      slow_total += procs.submit(count_primes, lo, width).result(); // waits: serial
  });
  double const fast = seconds_of([&] { fast_total = submit_all_then_collect(); });
  return {"b. result() right after each submit()",
          std::to_string(calls) + " prime counts on " + std::to_string(cores) +
              " workers: one at a time vs as_completed",
          slow, fast, slow_total == fast_total};
}

// c. 20 small calls (about a millisecond each): a new process pool for each, against
// one pool made once (its making timed too) and reused.
row executor_per_call() {
  constexpr int calls = 20;
  constexpr long width = 10'000;
  long slow_total = 0, fast_total = 0;
  double const slow = seconds_of([&] {
    for (int i = 0; i < calls; ++i) {
      cf::process_pool_executor procs; // starts processes, stops them at the }
      slow_total += procs.submit(count_primes, i * width, width).result();
    }
  });
  double const fast = seconds_of([&] {
    cf::process_pool_executor procs;
    for (int i = 0; i < calls; ++i)
      fast_total += procs.submit(count_primes, i * width, width).result();
  });
  return {"c. a new executor per call",
          std::to_string(calls) + " small calls: a pool each vs one pool reused", slow,
          fast, slow_total == fast_total};
}

} // namespace

int main() {
  unsigned const cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf("common_mistakes: three ways to lose what a pool gives, each timed next "
              "to its fix\n(%u cores)\n\n",
              cores);
  try {
    std::vector<row> const rows = {io_on_a_process_pool(cores),
                                   result_after_each_submit(cores), executor_per_call()};

    std::printf("  %-40s %9s %9s %8s\n", "mistake", "slow way", "fast way", "ratio");
    bool ok = true;
    for (row const& r : rows) {
      std::printf("  %-40s %7.2f s %7.2f s %7.1fx%s\n", r.mistake.c_str(), r.slow, r.fast,
                  r.slow / r.fast, r.same ? "" : "  RESULTS DIFFER");
      std::printf("     %s\n", r.detail.c_str());
      ok = ok && r.same;
    }

    std::printf(
        "\nwhy:\n"
        "  a. waiting needs no core: threads wait side by side, while a process pool "
        "has\n"
        "     one worker per core and every call crosses a process boundary\n"
        "  b. result() blocks, so the next submit() waits for the previous call: one\n"
        "     worker busy, the rest idle (%d calls on %u cores: at best %ux faster)\n"
        "  c. a process pool starts a fork server and workers, and stops them at\n"
        "     shutdown; that costs far more than a small call: make one, reuse it\n",
        prime_calls, cores, std::min(cores, static_cast<unsigned>(prime_calls)));
    std::printf("\nboth ways computed the same results in every row: %s\n",
                ok ? "yes" : "NO");
    return ok ? 0 : 1;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "common_mistakes: %s\n", e.what());
    return 1;
  }
}
