//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Faults with counts. A process pool whose workers are SIGKILLed at random
// every 50 ms while tens of thousands of calls run, each failed call
// resubmitted to a fresh pool: every call ends with its own value exactly
// once, no attempt runs twice (each worker appends what it ran to a log),
// none is lost. A thread pool whose calls throw at random: every future
// holds its own outcome, every call ran once. Pools created, crashed and
// destroyed a few hundred times per start method: no descriptor, zombie,
// process or /dev/shm entry is left.
//
// CF_STRESS_SCALE=<n> in the environment multiplies the counts, for long
// runs by hand (CI runs 1; the sanitizer builds a tenth).

#include <concurrent/futures/process_pool_executor.hpp>

#include "support/process_support.hpp"
#include "support/test_support.hpp"

#include <concurrent/futures/thread_pool_executor.hpp>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace utf = boost::unit_test;
namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;

namespace {

int scale() {
  char const* s = std::getenv("CF_STRESS_SCALE");
  int const n = s ? std::atoi(s) : 1;
  return n > 0 ? n : 1;
}

// Instrumented workers start 10-50x slower (a sanitizer's runtime in each
// exec'd process): at a kill every 50 ms a fresh pool would rarely finish
// a call. The sanitizer builds kill less often and run fewer calls; the
// code paths are the same.
#ifdef CF_TEST_SANITIZED
constexpr int sanitized_divisor = 10;
constexpr auto kill_interval = std::chrono::milliseconds(500);
#else
constexpr int sanitized_divisor = 1;
constexpr auto kill_interval = std::chrono::milliseconds(50);
#endif

// ---------------------------------------------------------------- tasks

// Appends "<call> <attempt>\n" to the log with one write (O_APPEND: whole
// lines, whoever writes), after a short while of work, so that kills land
// before, during and after calls.
std::int64_t logged_call(std::string log, std::int64_t call, int attempt, int spin_us) {
  static int const fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  auto const until =
      std::chrono::steady_clock::now() + std::chrono::microseconds(spin_us);
  while (std::chrono::steady_clock::now() < until) {
  }
  char line[64];
  int const n = std::snprintf(line, sizeof line, "%lld %d\n",
                              static_cast<long long>(call), attempt);
  if (fd < 0 || ::write(fd, line, static_cast<std::size_t>(n)) != n)
    throw std::runtime_error("cannot write the log");
  return 3 * call + 1;
}

int add(int a, int b) {
  return a + b;
}

void crash(int how) {
  switch (how) {
  case 0:
    ::raise(SIGKILL);
    break;
  case 1:
    ::raise(SIGSEGV);
    break;
  case 2:
    std::abort();
  default:
    ::_exit(3);
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(process_chaos)

BOOST_TEST_DECORATOR(*utf::timeout(1800))
BOOST_DATA_TEST_CASE(a_pool_killed_every_50ms_loses_and_repeats_nothing,
                     bdata::make(test::exec_methods), method) {
  std::int64_t const calls = 50'000 * scale() / sanitized_divisor;
  char log_template[] = "/tmp/cf-chaos-XXXXXX";
  int const log_fd = ::mkstemp(log_template);
  BOOST_REQUIRE(log_fd >= 0);
  ::close(log_fd);
  std::string const log = log_template;

  auto const fds = test::open_fds();
  std::mutex pool_mutex;
  std::shared_ptr<cf::process_pool_executor> pool;
  auto fresh_pool = [&] {
    auto p = std::make_shared<cf::process_pool_executor>(
        cf::process_pool_options{.max_workers = 2, .start_method = method});
    std::lock_guard lock(pool_mutex);
    pool = p;
    return p;
  };
  auto current = fresh_pool();

  // The killer: every 50 ms, one worker of the current pool, at random.
  std::atomic<bool> stop{false};
  std::atomic<int> kills{0};
  std::set<int> seen_pids;
  std::mutex seen_mutex;
  std::thread killer([&] {
    std::mt19937 rng(12345);
    while (!stop.load()) {
      std::this_thread::sleep_for(kill_interval);
      std::shared_ptr<cf::process_pool_executor> p;
      {
        std::lock_guard lock(pool_mutex);
        p = pool;
      }
      auto const pids = p->worker_pids();
      {
        std::lock_guard lock(seen_mutex);
        seen_pids.insert(pids.begin(), pids.end());
      }
      if (!pids.empty() &&
          ::kill(
              pids[std::uniform_int_distribution<std::size_t>(0, pids.size() - 1)(rng)],
              SIGKILL) == 0)
        kills.fetch_add(1);
    }
  });

  std::vector<std::int64_t> value(static_cast<std::size_t>(calls), 0);
  std::vector<int> successes(static_cast<std::size_t>(calls), 0);
  std::vector<int> attempts(static_cast<std::size_t>(calls), 0);
  std::vector<std::int64_t> todo(static_cast<std::size_t>(calls));
  for (std::int64_t i = 0; i < calls; ++i)
    todo[static_cast<std::size_t>(i)] = i;
  std::int64_t broken_futures = 0;
  std::mt19937 rng(777);
  while (!todo.empty()) {
    std::vector<std::int64_t> retry;
    constexpr std::size_t batch = 500;
    for (std::size_t at = 0; at < todo.size(); at += batch) {
      std::vector<std::pair<std::int64_t, cf::future<std::int64_t>>> inflight;
      for (std::size_t k = at; k < std::min(todo.size(), at + batch); ++k) {
        std::int64_t const call = todo[k];
        int const attempt = ++attempts[static_cast<std::size_t>(call)];
        int const spin = std::uniform_int_distribution<int>(0, 100)(rng);
        for (;;) {
          try {
            inflight.emplace_back(call,
                                  current->submit(logged_call, log, call, attempt, spin));
            break;
          } catch (cf::broken_process_pool const&) {
            current = fresh_pool(); // and submit the same attempt there
          }
        }
      }
      for (auto& [call, f] : inflight) {
        try {
          std::int64_t const v = f.result(120s);
          value[static_cast<std::size_t>(call)] = v;
          ++successes[static_cast<std::size_t>(call)];
        } catch (cf::broken_process_pool const&) {
          ++broken_futures;
          retry.push_back(call);
        }
      }
    }
    todo = std::move(retry);
  }
  stop.store(true);
  killer.join();
  {
    std::lock_guard lock(pool_mutex);
    pool.reset();
  }
  current.reset();

  // Every call: its own value, exactly once.
  std::int64_t wrong = 0, not_once = 0;
  for (std::int64_t i = 0; i < calls; ++i) {
    wrong += value[static_cast<std::size_t>(i)] != 3 * i + 1;
    not_once += successes[static_cast<std::size_t>(i)] != 1;
  }
  BOOST_TEST(wrong == 0);
  BOOST_TEST(not_once == 0);
  // No attempt ran twice, and every successful one ran.
  std::map<std::pair<std::int64_t, int>, int> ran;
  {
    std::ifstream in(log);
    std::int64_t call;
    int attempt;
    while (in >> call >> attempt)
      ++ran[{call, attempt}];
  }
  std::int64_t twice = 0, missing = 0;
  for (auto const& [key, n] : ran)
    twice += n > 1;
  for (std::int64_t i = 0; i < calls; ++i)
    missing += ran.count({i, attempts[static_cast<std::size_t>(i)]}) == 0;
  BOOST_TEST(twice == 0);
  BOOST_TEST(missing == 0);
  BOOST_TEST_MESSAGE(method << ": " << calls << " calls, " << kills.load() << " kills, "
                            << broken_futures << " futures failed by a broken pool and "
                            << "resubmitted, " << ran.size() << " attempts ran");
  BOOST_TEST(kills.load() > 0);
  fs::remove(log);
  // Nothing left behind.
  std::vector<int> pids(seen_pids.begin(), seen_pids.end());
  BOOST_TEST(test::wait_gone(pids, 10s));
  BOOST_TEST(test::children_of(static_cast<int>(::getpid())).empty());
  BOOST_TEST(test::open_fds() <= fds);
}

BOOST_TEST_DECORATOR(*utf::timeout(1200))
BOOST_DATA_TEST_CASE(create_crash_destroy_cycles_leave_nothing,
                     bdata::make(test::all_methods), method) {
  int const cycles = 200 * scale() / sanitized_divisor;
  auto const fds = test::open_fds();
  auto const shm = test::shm_entries();
  std::set<int> pids;
  int broken = 0;
  for (int round = 0; round < cycles; ++round) {
    cf::process_pool_executor procs({.max_workers = 2, .start_method = method});
    auto ok = procs.submit(add, round, 1);
    BOOST_TEST(ok.result(60s) == round + 1);
    for (int p : procs.worker_pids())
      pids.insert(p);
    for (int p : test::children_of(static_cast<int>(::getpid())))
      pids.insert(p); // the fork server too
    // A fork-method worker inherits the test framework's handlers for
    // SIGSEGV and SIGABRT, which would go on running tests in it.
    int const how = method == cf::start_method::fork ? 3 * (round % 2) : round % 3;
    auto bad = procs.submit(crash, how);
    try {
      bad.result(60s);
    } catch (cf::broken_process_pool const&) {
      ++broken;
    }
  }
  BOOST_TEST(broken == cycles);
  BOOST_TEST_MESSAGE(method << ": " << cycles << " cycles, " << pids.size()
                            << " processes started");
  BOOST_TEST(test::wait_gone(std::vector<int>(pids.begin(), pids.end()), 10s));
  BOOST_TEST(test::children_of(static_cast<int>(::getpid())).empty()); // no zombie
  BOOST_TEST(test::open_fds() == fds);
  BOOST_TEST((test::shm_entries() == shm));
}

namespace {

struct chaos_error : std::runtime_error {
  explicit chaos_error(std::int64_t n) : std::runtime_error(std::to_string(n)) {}
};

} // namespace

BOOST_AUTO_TEST_CASE(a_thread_pool_whose_calls_throw_at_random_keeps_every_outcome,
                     *utf::timeout(600)) {
  std::int64_t const calls = 200'000 * scale() / sanitized_divisor;
  std::vector<std::atomic<int>> runs(static_cast<std::size_t>(calls));
  cf::thread_pool_executor pool({.max_workers = 4});
  std::vector<cf::future<std::int64_t>> fs;
  fs.reserve(static_cast<std::size_t>(calls));
  std::mt19937 rng(99);
  std::vector<bool> throws(static_cast<std::size_t>(calls));
  for (std::int64_t i = 0; i < calls; ++i) {
    throws[static_cast<std::size_t>(i)] = std::bernoulli_distribution(0.3)(rng);
    bool const t = throws[static_cast<std::size_t>(i)];
    fs.push_back(pool.submit([&runs, i, t]() -> std::int64_t {
      runs[static_cast<std::size_t>(i)].fetch_add(1, std::memory_order_relaxed);
      if (t)
        throw chaos_error(i);
      return 5 * i;
    }));
  }
  std::int64_t wrong = 0;
  for (std::int64_t i = 0; i < calls; ++i) {
    auto& f = fs[static_cast<std::size_t>(i)];
    try {
      std::int64_t const v = f.result(120s);
      wrong += throws[static_cast<std::size_t>(i)] || v != 5 * i;
    } catch (chaos_error const& e) {
      wrong += !throws[static_cast<std::size_t>(i)] || e.what() != std::to_string(i);
    }
  }
  std::int64_t not_once = 0;
  for (auto& r : runs)
    not_once += r.load() != 1;
  BOOST_TEST(wrong == 0);
  BOOST_TEST(not_once == 0);
}

BOOST_AUTO_TEST_SUITE_END()
