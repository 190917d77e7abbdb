//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// executor_factory: choose the executor by the kind of work, and write the
// rest of the program against the common base class, cf::executor (Python's
// `Executor`).
//
//   def get_executor(kind, max_workers):
//       if kind == "io":  return ThreadPoolExecutor(max_workers, "io")
//       if kind == "cpu": return ProcessPoolExecutor(max_workers)
//       raise ValueError(f"unknown executor kind {kind!r}")
//
// Waiting (I/O) overlaps on many threads; computing needs one core per
// worker, which a process pool gives: its workers are processes, one per
// core at most. The code that submits work does not care which it got:
// submit(), map() and shutdown() are the same through `cf::executor&`.
//
// What goes through the base may end up in another process, so it is
// written for one: free functions whose arguments and results have a
// cf::codec (numbers, strings, aggregates of them). A call that cannot
// cross (a capturing lambda, a pointer) is refused by submit() with
// std::invalid_argument through `cf::executor&`, and does not compile on a
// `cf::process_pool_executor&`.

#include <concurrent/futures.hpp>

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

// "io": many threads, named io_0, io_1, ... (visible in top -H, gdb, perf).
// "cpu": worker processes, one per core at most; more would only take turns
// on the same cores. Anything else is a caller's mistake: say what was asked
// and what exists.
std::unique_ptr<cf::executor> get_executor(std::string_view kind, int max_workers) {
  if (kind == "io")
    return std::make_unique<cf::thread_pool_executor>(
        cf::thread_pool_options{.max_workers = max_workers, .thread_name_prefix = "io"});
  if (kind == "cpu") {
    int const cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::make_unique<cf::process_pool_executor>(
        cf::process_pool_options{.max_workers = std::min(max_workers, cores)});
  }
  throw std::invalid_argument("get_executor: unknown executor kind \"" +
                              std::string(kind) + "\" (expected \"io\" or \"cpu\")");
}

std::string thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

// ---------------------------------------------------------------- I/O-ish work

// A request that mostly waits: 100 ms of simulated network latency. Returns
// the name of the thread that served it.
std::string fake_request(int /*id*/) {
  std::this_thread::sleep_for(100ms);
  return thread_name();
}

bool run_io_workload(cf::executor& ex) {
  constexpr int requests = 16;
  auto const start = steady_clock::now();
  // submit() through the base class: one future per request, all in flight.
  std::vector<cf::future<std::string>> futures;
  for (int i = 0; i < requests; ++i)
    futures.push_back(ex.submit(fake_request, i));
  std::set<std::string> threads;
  for (auto const& f : futures)
    threads.insert(f.result());
  double const took = seconds_since(start);

  std::printf("  %d requests of 100 ms: %.2f s (one at a time: %.2f s, %.1fx)\n",
              requests, took, requests * 0.1, requests * 0.1 / took);
  std::printf("  served by %zu threads:", threads.size());
  for (auto const& name : threads)
    std::printf(" %s", name.c_str());
  std::printf("\n");
  return threads.size() > 1 && threads.begin()->starts_with("io_");
}

// ---------------------------------------------------------------- CPU-ish work

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

// What a "cpu" call returns: its count, and the process that computed it.
// An aggregate of codable fields, so it can come back from a worker process.
struct prime_count {
  long primes;
  int pid;
};

// The primes in [lo, hi): pure computation, no waiting. A free function
// with codable arguments and result, so it can run in a worker process.
prime_count count_primes(long lo, long hi) {
  long n = 0;
  for (long i = lo; i < hi; ++i)
    n += is_prime(i) ? 1 : 0;
  return {n, static_cast<int>(::getpid())};
}

bool run_cpu_workload(cf::executor& ex) {
  constexpr long limit = 3'000'000;
  constexpr long chunks = 16; // more chunks than cores: uneven chunks even out

  auto start = steady_clock::now();
  long const expected = count_primes(0, limit).primes;
  double const one_thread = seconds_since(start);

  // map() over two inputs taken in lockstep: count_primes(lows[i], highs[i]),
  // each call in whichever worker process is free.
  std::vector<long> lows, highs;
  for (long c = 0; c < chunks; ++c) {
    lows.push_back(limit * c / chunks);
    highs.push_back(limit * (c + 1) / chunks);
  }
  start = steady_clock::now();
  long total = 0;
  std::set<int> pids;
  for (prime_count const& c : ex.map(count_primes, lows, highs)) {
    total += c.primes;
    pids.insert(c.pid);
  }
  double const pooled = seconds_since(start);

  // The ideal is one core per worker; other programs on the machine take
  // their share, so a busy machine shows less.
  unsigned const cores = std::max(1u, std::thread::hardware_concurrency());
  int const self = static_cast<int>(::getpid());
  std::printf("  primes below %ld\n"
              "    one thread:             %ld in %.2f s\n"
              "    %ld chunks on the pool: %ld in %.2f s: %.1fx (at best %ux on %u "
              "cores;\n"
              "                            the pool's time includes starting its "
              "workers)\n",
              limit, expected, one_thread, chunks, total, pooled, one_thread / pooled,
              cores, cores);
  std::printf("  computed by %zu worker processes:", pids.size());
  for (int pid : pids)
    std::printf(" %d", pid);
  std::printf(" (this program: pid %d)\n", self);
  return total == expected && expected == 216'816 && !pids.empty() &&
         !pids.contains(self);
}

} // namespace

int main() {
  std::printf("executor_factory: get_executor(kind) returns std::unique_ptr<"
              "cf::executor>; use it\nthrough the base class\n\n");
  bool ok = true;

  std::unique_ptr<cf::executor> io = get_executor("io", 8);
  std::unique_ptr<cf::executor> cpu = get_executor("cpu", 8);
  try {
    get_executor("gpu", 4);
    ok = false;
  } catch (std::invalid_argument const& e) {
    std::printf("get_executor(\"gpu\", 4) throws std::invalid_argument:\n  %s\n",
                e.what());
  }

  std::printf("\nI/O-ish work on the \"io\" executor\n");
  ok = run_io_workload(*io) && ok;
  std::printf("\nCPU-ish work on the \"cpu\" executor\n");
  ok = run_cpu_workload(*cpu) && ok;

  // Through the base class the compiler cannot tell that "cpu" is a process
  // pool, so a call that cannot cross (this lambda captures a variable) is
  // refused when submitted, before anything runs.
  try {
    long limit = 1000; // not const: a const long would need no capture
    cpu->submit([limit] { return count_primes(0, limit).primes; });
    ok = false;
  } catch (std::invalid_argument const& e) {
    std::printf("\na capturing lambda submitted to \"cpu\" throws std::invalid_argument:"
                "\n  %s\n",
                e.what());
  }

  // shutdown() through the base class: waits for the work (none is left
  // here) and stops the threads or worker processes. The unique_ptr would
  // do the same on destruction; an explicit shutdown says where the pool's
  // life ends.
  io->shutdown();
  cpu->shutdown(/*wait=*/true, /*cancel_futures=*/false);
  try {
    io->submit(fake_request, 0);
    ok = false;
  } catch (std::runtime_error const& e) {
    std::printf("\nafter shutdown(), submit() throws std::runtime_error:\n  %s\n",
                e.what());
  }

  if (!ok) {
    std::fprintf(stderr, "unexpected results (see above)\n");
    return 1;
  }
  return 0;
}
