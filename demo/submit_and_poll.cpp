//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// submit_and_poll: submit one slow call, keep doing something else while
// asking the future whether it is done, then take its result; the same code
// with a thread pool and with a process pool.
//
// In Python:
//
//   with ThreadPoolExecutor() as ex:     # then: with ProcessPoolExecutor() as ex:
//       f = ex.submit(count_primes, 3_000_000)
//       while not f.done():
//           print(".", end="", flush=True)
//           time.sleep(0.05)
//       print(f.result())
//
// submit() returns at once; done() never blocks, so the caller stays free
// to work (here: print a dot every 50 ms) and result() returns at once once
// done() said true. The task reports where it ran: a pool thread shares this
// program's process id, a process pool's worker has its own.
//
// Run it (from a CMake build directory):
//   demo/submit_and_poll

#include <concurrent/futures.hpp>

#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

// What the task returns: its answer and where it ran. An aggregate of
// codable fields, so it can come back from a worker process.
struct prime_count {
  long primes;
  int pid; // the process that ran the task
  int tid; // the thread (Linux thread id) that ran it
};

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

// The slow task: the primes below n, by trial division. A free function
// with a codable argument and result, so both pools can run it.
prime_count count_primes(long n) {
  long count = 0;
  for (long i = 0; i < n; ++i)
    count += is_prime(i) ? 1 : 0;
  return {count, static_cast<int>(::getpid()), static_cast<int>(::gettid())};
}

// Submits count_primes(n) to `pool`, polls done() every 50 ms printing a
// dot, then prints the result. Works with either pool: they return the same
// cf::future. Returns what the task returned.
template <class Pool>
prime_count submit_and_poll(Pool& pool, long n) {
  auto const start = steady_clock::now();
  cf::future<prime_count> f = pool.submit(count_primes, n); // returns at once
  std::printf("  submitted; polling done() every 50 ms: ");
  std::fflush(stdout);
  int polls = 0;
  while (!f.done()) { // never blocks
    std::printf(".");
    std::fflush(stdout);
    ++polls;
    std::this_thread::sleep_for(50ms); // the caller's own work would go here
  }
  double const took = std::chrono::duration<double>(steady_clock::now() - start).count();
  prime_count const r = f.result(); // done: returns at once
  std::printf(" done\n");
  std::printf("  result(): %ld primes below %ld, after %.2f s and %d polls\n", r.primes,
              n, took, polls);
  int const self = static_cast<int>(::getpid());
  std::printf("  the task ran in pid %d, thread %d: %s\n", r.pid, r.tid,
              r.pid == self ? "another thread of this process" : "another process");
  std::printf("  (main() runs in pid %d, thread %d)\n", self,
              static_cast<int>(::gettid()));
  return r;
}

} // namespace

int main() {
  constexpr long n = 3'000'000;
  std::printf("submit_and_poll: submit count_primes(%ld), poll done(), then result(),\n"
              "on a thread pool and on a process pool\n\n",
              n);
  try {
    prime_count by_thread{}, by_process{};
    {
      std::printf("cf::thread_pool_executor\n");
      cf::thread_pool_executor threads;
      by_thread = submit_and_poll(threads, n);
    }
    {
      // The same function, unchanged: what crosses to the worker is the
      // function's identity and the argument 3000000.
      std::printf("\ncf::process_pool_executor\n");
      cf::process_pool_executor procs;
      by_process = submit_and_poll(procs, n);
    }

    int const self = static_cast<int>(::getpid());
    bool const same = by_thread.primes == 216'816 && by_process.primes == 216'816;
    bool const where = by_thread.pid == self && by_process.pid != self;
    std::printf(
        "\nboth pools give the same answer (216816 primes below 3000000): %s\n"
        "the thread pool ran it in this process, the process pool in another: %s\n",
        same ? "yes" : "NO", where ? "yes" : "NO");
    return same && where ? 0 : 1;
  } catch (std::exception const& e) {
    std::fprintf(stderr, "submit_and_poll: %s\n", e.what());
    return 1;
  }
}
