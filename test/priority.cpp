//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/executor.hpp>

#include <concurrent/futures/process_pool_executor.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include "support/process_support.hpp"
#include "support/test_support.hpp"

#include <boost/asio/post.hpp>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace utf = boost::unit_test;
namespace bdata = boost::unit_test::data;

namespace {

// ---------------------------------------------------------------- helpers

// Indices of `priorities` in the order they should start: highest first,
// submission order among equals.
std::vector<int> expected_order(std::vector<int> const& priorities) {
  std::vector<int> order(priorities.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return priorities[a] > priorities[b]; });
  return order;
}

// Has priorities above, at and below 0, and repeats of each.
std::vector<int> const mixed = {0, 3, -2, 3, 0, 7, -2, 1, 7, 0, -5, 1};

// ---------------------------------------------------------------- process tasks
// These run in the worker processes: one worker runs every call in turn, so
// a counter of the worker's gives the order in which they started.

int next_in_worker() {
  static int next = 0;
  return next++;
}

int start_number() {
  return next_in_worker();
}

int start_number_after_gate(std::string gate) {
  int const n = next_in_worker();
  return test::wait_for_gate(gate) ? n : -1;
}

int die_after_gate(std::string gate) {
  test::wait_for_gate(gate);
  ::raise(SIGKILL);
  return 0;
}

std::vector<cf::start_method> const process_methods = {cf::start_method::forkserver,
                                                       cf::start_method::spawn};

cf::process_pool_options one_worker(cf::start_method m) {
  cf::process_pool_options o;
  o.max_workers = 1;
  o.start_method = m;
  return o;
}

} // namespace

BOOST_AUTO_TEST_SUITE(priority)

// ---------------------------------------------------------------- thread pool

BOOST_AUTO_TEST_CASE(higher_priority_starts_first_and_equal_ones_in_order,
                     *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::start_log log;
  std::vector<cf::future<void>> fs;
  {
    test::blocker busy(pool);
    for (std::size_t i = 0; i < mixed.size(); ++i)
      fs.push_back(
          pool.submit(cf::priority{mixed[i]}, [&log, i] { log.add(std::to_string(i)); }));
  }
  for (auto& f : fs)
    f.result();
  std::vector<std::string> expected;
  for (int i : expected_order(mixed))
    expected.push_back(std::to_string(i));
  BOOST_TEST(log.tags() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(plain_submit_is_priority_zero, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::start_log log;
  {
    test::blocker busy(pool);
    pool.submit(cf::priority{-1}, [&log] { log.add("-1"); });
    pool.submit([&log] { log.add("plain a"); });
    cf::priority const p{0};
    pool.submit(p, [&log] { log.add("zero"); });
    pool.submit([&log] { log.add("plain b"); });
    pool.submit(cf::priority{1}, [&log] { log.add("1"); });
  }
  pool.shutdown();
  std::vector<std::string> const expected = {"1", "plain a", "zero", "plain b", "-1"};
  BOOST_TEST(log.tags() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(asio_handlers_run_at_priority_zero, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::start_log log;
  {
    test::blocker busy(pool);
    pool.submit(cf::priority{-3}, [&log] { log.add("-3"); });
    boost::asio::post(pool, [&log] { log.add("handler a"); });
    pool.submit(cf::priority{5}, [&log] { log.add("5 a"); });
    pool.submit([&log] { log.add("0"); });
    boost::asio::post(pool, [&log] { log.add("handler b"); });
    pool.submit(cf::priority{5}, [&log] { log.add("5 b"); });
  }
  pool.shutdown();
  std::vector<std::string> const expected = {"5 a", "5 b",       "handler a",
                                             "0",   "handler b", "-3"};
  BOOST_TEST(log.tags() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(through_the_executor_base, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  cf::executor& ex = pool;
  test::start_log log;
  cf::future<int> low;
  cf::future<int> high;
  {
    test::blocker busy(pool);
    low = ex.submit(
        cf::priority{-1},
        [&log](int x) {
          log.add("low");
          return x;
        },
        1);
    high = ex.submit(
        cf::priority{1},
        [&log](int x) {
          log.add("high");
          return x;
        },
        2);
  }
  BOOST_TEST(low.result() + high.result() == 3);
  std::vector<std::string> const expected = {"high", "low"};
  BOOST_TEST(log.tags() == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(shutdown_cancel_futures_cancels_prioritized_tasks,
                     *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  std::atomic<int> ran{0};
  std::vector<cf::future<void>> fs;
  test::start_log log;
  {
    test::blocker busy(pool);
    for (int p : mixed)
      fs.push_back(pool.submit(cf::priority{p}, [&ran] { ++ran; }));
    // Handlers are not cancelled, whatever surrounds them.
    boost::asio::post(pool, [&log] { log.add("handler"); });
    pool.shutdown(/*wait=*/false, /*cancel_futures=*/true);
    for (auto& f : fs) {
      BOOST_TEST(f.cancelled());
      BOOST_TEST(f.done());
    }
  }
  pool.shutdown();
  BOOST_TEST(ran.load() == 0);
  BOOST_TEST(log.tags() == std::vector<std::string>{"handler"},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_broken_pool_fails_prioritized_tasks, *utf::timeout(60)) {
  test::event go;
  test::stderr_capture capture;
  cf::thread_pool_executor pool{{.max_workers = 1, .initializer = [&] {
                                   go.wait();
                                   throw std::runtime_error("no database");
                                 }}};
  std::vector<cf::future<int>> fs;
  for (int p : mixed)
    fs.push_back(pool.submit(cf::priority{p}, [p] { return p; }));
  go.set();
  for (auto& f : fs)
    BOOST_CHECK_THROW(f.result(), cf::broken_thread_pool);
  BOOST_CHECK_THROW(pool.submit(cf::priority{1}, [] { return 1; }),
                    cf::broken_thread_pool);
}

BOOST_AUTO_TEST_CASE(submit_with_priority_after_shutdown_throws, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  pool.shutdown();
  BOOST_CHECK_THROW(pool.submit(cf::priority{4}, [] { return 1; }), std::runtime_error);
}

// Four threads, random priorities (0 half the time), some tasks while the
// workers are idle, most while they are busy.
BOOST_AUTO_TEST_CASE(many_threads_random_priorities_every_future_completes,
                     *utf::timeout(240)) {
  constexpr int threads = 4;
  constexpr int per_thread = 25'000;
  cf::thread_pool_executor pool{{.max_workers = 3}};
  std::vector<std::vector<cf::future<long long>>> fs(threads);
  std::vector<std::thread> submitters;
  for (int t = 0; t < threads; ++t) {
    submitters.emplace_back([&pool, &fs, t] {
      std::mt19937 rng(static_cast<unsigned>(t) + 1);
      std::uniform_int_distribution<int> pick(-20, 20);
      fs[t].reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) {
        int const p = (rng() & 1) ? 0 : pick(rng);
        long long const v = static_cast<long long>(t) * per_thread + i;
        fs[t].push_back(pool.submit(cf::priority{p}, [v] { return v; }));
      }
    });
  }
  for (auto& s : submitters)
    s.join();
  long long sum = 0;
  std::size_t done = 0;
  for (auto& per : fs) {
    for (auto& f : per) {
      sum += f.result();
      done += f.done() ? 1 : 0;
    }
  }
  long long const n = static_cast<long long>(threads) * per_thread;
  BOOST_TEST(done == static_cast<std::size_t>(n));
  BOOST_TEST(sum == n * (n - 1) / 2);
}

// ---------------------------------------------------------------- process pool

// The first two calls are handed to the worker at once (one running, one
// waiting: Python's max_workers + 1); the rest wait in the pool, where their
// priorities order them.
BOOST_TEST_DECORATOR(*utf::timeout(120))
BOOST_DATA_TEST_CASE(process_pool_orders_the_calls_not_handed_over,
                     bdata::make(process_methods), method) {
  test::leak_check check;
  test::gate_file gate;
  std::vector<cf::future<int>> fs;
  {
    cf::process_pool_executor procs(one_worker(method));
    auto running = procs.submit(cf::priority{-9}, start_number_after_gate, gate.path());
    auto handed_over = procs.submit(cf::priority{-9}, start_number);
    for (int p : mixed)
      fs.push_back(procs.submit(cf::priority{p}, start_number));
    gate.open();
    BOOST_TEST(running.result() == 0);
    BOOST_TEST(handed_over.result() == 1);
    std::vector<int> started(fs.size());
    for (std::size_t i = 0; i < fs.size(); ++i)
      started[i] = fs[i].result();
    std::vector<int> expected(fs.size());
    auto const order = expected_order(mixed);
    for (std::size_t k = 0; k < order.size(); ++k)
      expected[order[k]] = static_cast<int>(k) + 2;
    BOOST_TEST(started == expected, boost::test_tools::per_element());
  }
}

BOOST_TEST_DECORATOR(*utf::timeout(120))
BOOST_DATA_TEST_CASE(process_pool_priority_through_the_executor_base,
                     bdata::make(process_methods), method) {
  test::leak_check check;
  test::gate_file gate;
  {
    cf::process_pool_executor procs(one_worker(method));
    cf::executor& ex = procs;
    auto running = ex.submit(start_number_after_gate, gate.path());
    auto handed_over = ex.submit(start_number);
    auto low = ex.submit(cf::priority{-1}, start_number);
    auto plain = ex.submit(start_number);
    auto high = ex.submit(cf::priority{1}, start_number);
    gate.open();
    BOOST_TEST(running.result() == 0);
    BOOST_TEST(handed_over.result() == 1);
    BOOST_TEST(high.result() == 2);
    BOOST_TEST(plain.result() == 3);
    BOOST_TEST(low.result() == 4);
  }
}

BOOST_TEST_DECORATOR(*utf::timeout(120))
BOOST_DATA_TEST_CASE(process_pool_cancel_futures_cancels_prioritized_calls,
                     bdata::make(process_methods), method) {
  test::leak_check check;
  test::gate_file gate;
  {
    cf::process_pool_executor procs(one_worker(method));
    auto running = procs.submit(start_number_after_gate, gate.path());
    auto handed_over = procs.submit(start_number);
    std::vector<cf::future<int>> fs;
    for (int p : mixed)
      fs.push_back(procs.submit(cf::priority{p}, start_number));
    procs.shutdown(/*wait=*/false, /*cancel_futures=*/true);
    for (auto& f : fs) {
      BOOST_TEST(f.cancelled());
      BOOST_TEST(f.done());
    }
    gate.open();
    // What was handed over still runs.
    BOOST_TEST(running.result() == 0);
    BOOST_TEST(handed_over.result() == 1);
  }
}

BOOST_TEST_DECORATOR(*utf::timeout(120))
BOOST_DATA_TEST_CASE(process_pool_broken_fails_prioritized_calls,
                     bdata::make(process_methods), method) {
  test::leak_check check;
  test::gate_file gate;
  {
    cf::process_pool_executor procs(one_worker(method));
    auto dying = procs.submit(die_after_gate, gate.path());
    std::vector<cf::future<int>> fs;
    fs.push_back(procs.submit(start_number));
    for (int p : mixed)
      fs.push_back(procs.submit(cf::priority{p}, start_number));
    gate.open();
    BOOST_CHECK_THROW(dying.result(), cf::broken_process_pool);
    for (auto& f : fs)
      BOOST_CHECK_THROW(f.result(), cf::broken_process_pool);
    BOOST_CHECK_THROW(procs.submit(cf::priority{2}, start_number),
                      cf::broken_process_pool);
  }
}

BOOST_AUTO_TEST_SUITE_END()
