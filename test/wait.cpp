//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Port of CPython's Lib/test/test_concurrent_futures/test_wait.py (the
// thread pool variants), and the deviation on shutdown(cancel_futures).
#include <concurrent/futures/wait.hpp>

#include "support/co_test.hpp"
#include "support/pool_fixture.hpp"
#include "support/test_support.hpp"

#include <concurrent/futures/thread_pool_executor.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <list>
#include <string>
#include <thread>

namespace utf = boost::unit_test;

namespace {

template <class F>
std::unordered_set<F> set_of(std::initializer_list<F> fs) {
  return std::unordered_set<F>(fs);
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(wait_tests, test::pool_fixture)

// test_20369
BOOST_AUTO_TEST_CASE(duplicate_futures_are_reported_once, *utf::timeout(60)) {
  auto f = executor.submit(test::mul, 1, 2);
  auto [done, not_done] = cf::wait({f, f}, {.return_when = cf::all_completed});
  BOOST_TEST((done == set_of({f})));
  BOOST_TEST(not_done.empty());
}

// test_first_completed
BOOST_AUTO_TEST_CASE(first_completed_ignores_cancelled_not_notified, *utf::timeout(60)) {
  test::event event;
  auto cancelled = test::cancelled_future();
  auto f1 = executor.submit(test::mul, 21, 2);
  auto f2 = executor.submit([&] { return event.wait() ? 1 : 0; });
  auto [done, not_done] =
      cf::wait({cancelled, f1, f2}, {.return_when = cf::first_completed});
  BOOST_TEST((done == set_of({f1})));
  BOOST_TEST((not_done == set_of({cancelled, f2})));
  event.set();
  f2.result();
}

// test_first_completed_some_already_completed
BOOST_AUTO_TEST_CASE(first_completed_returns_at_once_when_some_are_done,
                     *utf::timeout(60)) {
  test::event event;
  auto notified = test::cancelled_and_notified_future();
  auto successful = test::successful_future();
  auto f1 = executor.submit([&] { return event.wait() ? 1 : 0; });
  auto [done, not_done] =
      cf::wait({notified, successful, f1}, {.return_when = cf::first_completed});
  BOOST_TEST((done == set_of({notified, successful})));
  BOOST_TEST((not_done == set_of({f1})));
  event.set();
  f1.result();
}

// test_first_exception
BOOST_AUTO_TEST_CASE(first_exception_returns_on_the_first_failure, *utf::timeout(60)) {
  test::event event1, event2;
  auto f1 = executor.submit(test::mul, 2, 21);
  auto f2 = executor.submit([&]() -> int {
    event1.wait();
    throw std::runtime_error("this is an exception");
  });
  auto f3 = executor.submit([&] { return event2.wait() ? 1 : 0; });
  std::thread t([&] {
    f1.result();
    event1.set();
  });
  auto [done, not_done] = cf::wait({f1, f2, f3}, {.return_when = cf::first_exception});
  BOOST_TEST((done == set_of({f1, f2})));
  BOOST_TEST((not_done == set_of({f3})));
  event2.set();
  t.join();
  f3.result();
}

// test_first_exception_some_already_complete
BOOST_AUTO_TEST_CASE(first_exception_counts_notified_and_failed, *utf::timeout(60)) {
  test::event event;
  auto successful = test::successful_future();
  auto cancelled = test::cancelled_future();
  auto notified = test::cancelled_and_notified_future();
  auto f1 = executor.submit([] {
    int zero = 0;
    if (zero == 0)
      throw std::domain_error("division by zero");
    return 21 / zero;
  });
  auto f2 = executor.submit([&] { return event.wait() ? 1 : 0; });
  auto [done, not_done] = cf::wait({successful, cancelled, notified, f1, f2},
                                   {.return_when = cf::first_exception});
  BOOST_TEST((done == set_of({successful, notified, f1})));
  BOOST_TEST((not_done == set_of({cancelled, f2})));
  event.set();
  f2.result();
}

// test_first_exception_one_already_failed
BOOST_AUTO_TEST_CASE(first_exception_returns_at_once_when_one_failed, *utf::timeout(60)) {
  test::event event;
  auto failed = test::exception_future();
  auto f1 = executor.submit([&] { return event.wait() ? 1 : 0; });
  auto [done, not_done] = cf::wait({failed, f1}, {.return_when = cf::first_exception});
  BOOST_TEST((done == set_of({failed})));
  BOOST_TEST((not_done == set_of({f1})));
  event.set();
  f1.result();
}

// test_all_completed
BOOST_AUTO_TEST_CASE(all_completed_waits_through_exceptions, *utf::timeout(60)) {
  auto successful = test::successful_future();
  auto notified = test::cancelled_and_notified_future();
  auto failed = test::exception_future();
  auto f1 = executor.submit([]() -> int { throw std::domain_error("divmod(2, 0)"); });
  auto f2 = executor.submit(test::mul, 2, 21);
  auto [done, not_done] = cf::wait({successful, notified, failed, f1, f2},
                                   {.return_when = cf::all_completed});
  BOOST_TEST((done == set_of({successful, notified, failed, f1, f2})));
  BOOST_TEST(not_done.empty());
}

// test_timeout
BOOST_AUTO_TEST_CASE(timeout_returns_partial_sets, *utf::timeout(60)) {
  test::event event;
  auto notified = test::cancelled_and_notified_future();
  auto failed = test::exception_future();
  auto successful = test::successful_future();
  auto f = executor.submit([&] { return event.wait() ? 1 : 0; });
  auto [done, not_done] = cf::wait({notified, failed, successful, f},
                                   {.timeout = 50ms, .return_when = cf::all_completed});
  BOOST_TEST((done == set_of({notified, failed, successful})));
  BOOST_TEST((not_done == set_of({f})));
  event.set();
  f.result();
}

// test_pending_calls_race (issue #14406)
BOOST_AUTO_TEST_CASE(many_pending_calls_complete, *utf::timeout(120)) {
  test::event event;
  std::vector<cf::future<int>> fs;
  for (int i = 0; i < 100; ++i)
    fs.push_back(executor.submit([&] { return event.wait() ? 1 : 0; }));
  event.set();
  auto [done, not_done] = cf::wait(fs, {.return_when = cf::all_completed});
  BOOST_TEST(done.size() == 100u);
  BOOST_TEST(not_done.empty());
}

BOOST_AUTO_TEST_CASE(empty_input_returns_empty_sets) {
  std::vector<cf::future<int>> none;
  auto [done, not_done] = cf::wait(none);
  BOOST_TEST(done.empty());
  BOOST_TEST(not_done.empty());
}

BOOST_AUTO_TEST_CASE(futures_of_different_types_through_any_future, *utf::timeout(60)) {
  auto i = executor.submit([] { return 1; });
  auto s = executor.submit([] { return std::string("two"); });
  auto v = executor.submit([] {});
  std::vector<cf::any_future> mixed{i, s, v};
  auto [done, not_done] = cf::wait(mixed);
  BOOST_TEST(done.size() == 3u);
  BOOST_TEST(done.contains(cf::any_future(s)));
  BOOST_TEST(not_done.empty());
  auto r = cf::wait({cf::any_future(i), cf::any_future(s)},
                    {.return_when = cf::first_completed});
  BOOST_TEST(r.done.size() == 2u);
}

BOOST_AUTO_TEST_CASE(any_input_range_is_accepted, *utf::timeout(60)) {
  std::list<cf::future<int>> fs{executor.submit(test::mul, 2, 3),
                                executor.submit(test::mul, 4, 5)};
  auto [done, not_done] = cf::wait(fs);
  BOOST_TEST(done.size() == 2u);
}

BOOST_AUTO_TEST_CASE(invalid_return_condition_throws_only_when_waiting) {
  auto pending = test::pending_future();
  auto finished = test::successful_future();
  auto bogus = static_cast<cf::return_when>(42);
  // Everything done: returns normally, as Python does.
  auto r = cf::wait({finished}, {.return_when = bogus});
  BOOST_TEST(r.done.size() == 1u);
  try {
    cf::wait({pending, finished}, {.return_when = bogus});
    BOOST_FAIL("expected std::invalid_argument");
  } catch (std::invalid_argument const& e) {
    BOOST_TEST(std::string(e.what()).starts_with("Invalid return condition: 42"));
  }
}

// Python's shutdown(cancel_futures=True) only cancel()s queued futures and
// never notifies them, so CPython's wait() on them blocks until its timeout.
// Deviation: ours are notified, so wait() returns at once with them done.
BOOST_AUTO_TEST_CASE(deviation_futures_cancelled_by_shutdown_are_notified,
                     *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event started, release;
  auto running = pool.submit([&] {
    started.set();
    return release.wait() ? 1 : 0;
  });
  started.wait();
  std::vector<cf::future<int>> queued;
  for (int i = 0; i < 5; ++i)
    queued.push_back(pool.submit([i] { return i; }));
  pool.shutdown(/*wait=*/false, /*cancel_futures=*/true);
  auto [done, not_done] = cf::wait(queued, {.timeout = 30s});
  BOOST_TEST(done.size() == 5u);
  BOOST_TEST(not_done.empty());
  for (auto& f : queued)
    BOOST_TEST(f.cancelled());
  release.set();
  BOOST_TEST(running.result() == 1);
}

BOOST_AUTO_TEST_CASE(wait_from_many_threads_on_the_same_futures, *utf::timeout(120)) {
  test::event go;
  std::vector<cf::future<int>> fs;
  for (int i = 0; i < 20; ++i)
    fs.push_back(executor.submit([&go, i] { return go.wait() ? i : -1; }));
  test::sleepers blocked;
  test::counter returned;
  std::vector<std::thread> waiters;
  for (int t = 0; t < 4; ++t)
    waiters.emplace_back([&] {
      blocked.enter();
      auto r = cf::wait(fs);
      if (r.done.size() == 20u)
        returned.add();
    });
  // The calls finish only once all four threads sleep in wait().
  BOOST_TEST(blocked.all_asleep(4));
  go.set();
  for (auto& t : waiters)
    t.join();
  BOOST_TEST(returned.value() == 4);
}

// The asynchronous form: the same sets, no thread blocked.

BOOST_AUTO_TEST_CASE(async_wait_first_completed, *utf::timeout(60)) {
  std::vector<cf::promise<int>> promises(3);
  auto futures = test::futures_of(promises);
  boost::asio::io_context ioc;
  test::co_run(ioc, [&]() -> boost::asio::awaitable<void> {
    // Completes one once this thread sleeps in run(), the coroutine suspended.
    test::when_asleep setter([&] { promises[1].set_result(1); });
    auto [done, not_done] =
        co_await cf::async_wait(futures, cf::first_completed, boost::asio::use_awaitable);
    setter.join();
    BOOST_TEST(done.size() == 1u);
    BOOST_TEST(done.count(futures[1]) == 1u);
    BOOST_TEST(not_done.size() == 2u);
  }());
  promises[0].set_result(0);
  promises[2].set_result(2);
}

BOOST_AUTO_TEST_CASE(async_wait_first_exception_and_all_completed, *utf::timeout(60)) {
  auto ok = test::successful_future();
  auto failed = test::exception_future();
  cf::promise<int> later;
  std::vector<cf::future<int>> futures{ok, failed, later.get_future()};
  test::co_run([&]() -> boost::asio::awaitable<void> {
    auto r =
        co_await cf::async_wait(futures, cf::first_exception, boost::asio::use_awaitable);
    BOOST_TEST(r.done.size() == 2u); // returns at once: one already failed
    BOOST_TEST(r.not_done.size() == 1u);
    test::when_asleep setter([&] { later.set_result(3); });
    auto all =
        co_await cf::async_wait(futures, cf::all_completed, boost::asio::use_awaitable);
    setter.join();
    BOOST_TEST(all.done.size() == 3u);
    BOOST_TEST(all.not_done.empty());
  }());
}

BOOST_AUTO_TEST_CASE(async_wait_timeout_returns_partial_sets, *utf::timeout(60)) {
  auto ok = test::successful_future();
  auto pending = test::pending_future();
  auto cancelled = test::cancelled_future(); // not notified: not done, as in Python
  std::vector<cf::any_future> futures{ok, pending, cancelled, ok};
  test::co_run([&]() -> boost::asio::awaitable<void> {
    auto [done, not_done] =
        co_await cf::async_wait(futures, {.timeout = 10ms}, boost::asio::use_awaitable);
    BOOST_TEST(done.size() == 1u); // duplicates once
    BOOST_TEST(not_done.size() == 2u);
    auto empty = co_await cf::async_wait(std::vector<cf::any_future>{}, cf::all_completed,
                                         boost::asio::use_awaitable);
    BOOST_TEST(empty.done.empty());
  }());
}

BOOST_AUTO_TEST_CASE(async_wait_cancellation_leaves_the_futures, *utf::timeout(60)) {
  std::vector<cf::promise<int>> promises(2);
  auto futures = test::futures_of(promises);
  boost::asio::io_context ioc;
  boost::asio::cancellation_signal signal;
  std::exception_ptr error;
  cf::async_wait(futures, cf::all_completed,
                 boost::asio::bind_cancellation_slot(
                     signal.slot(),
                     boost::asio::bind_executor(
                         ioc, [&](std::exception_ptr e, auto const&) { error = e; })));
  ioc.poll();
  BOOST_TEST(!error);
  signal.emit(boost::asio::cancellation_type::total);
  ioc.run();
  BOOST_CHECK_THROW(std::rethrow_exception(error), cf::cancelled_error);
  std::string const what = test::cancelled_what(error);
  BOOST_TEST(what.starts_with("the wait was cancelled, not the futures"), what);
  BOOST_TEST(!test::mentions(what, "before it ran"), what);
  for (auto& f : futures)
    BOOST_TEST(!f.done());
  for (auto& p : promises)
    p.set_result(1);
}

BOOST_AUTO_TEST_CASE(async_wait_bad_return_when_throws, *utf::timeout(60)) {
  std::vector<cf::future<int>> futures{test::pending_future()};
  BOOST_CHECK_THROW(
      cf::async_wait(futures, static_cast<cf::return_when>(42), boost::asio::use_future),
      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(async_wait_stress_against_completions, *utf::timeout(120)) {
  // Completions race the op's installation and its delivery; counts only.
  cf::thread_pool_executor pool{{.max_workers = 2}};
  boost::asio::io_context ioc;
  int rounds_done = 0;
  test::co_run(ioc, [&]() -> boost::asio::awaitable<void> {
    for (int round = 0; round < 500; ++round) {
      std::vector<cf::future<int>> futures;
      for (int i = 0; i < 8; ++i)
        futures.push_back(pool.submit([i] { return i; }));
      auto r =
          co_await cf::async_wait(futures, cf::all_completed, boost::asio::use_awaitable);
      if (r.done.size() == 8u)
        ++rounds_done;
    }
  }());
  BOOST_TEST(rounds_done == 500);
}

BOOST_AUTO_TEST_CASE(async_wait_with_timeout_survives_io_context_teardown,
                     *utf::timeout(60)) {
  // A pending wait with a timer: the io_context goes first (its service and
  // its timer service both tear down), then the futures complete.
  std::vector<cf::promise<int>> promises(3);
  auto futures = test::futures_of(promises);
  bool long_handled = false;
  {
    boost::asio::io_context ioc;
    cf::async_wait(futures, {.timeout = std::chrono::hours(1)},
                   boost::asio::bind_executor(ioc, [&](std::exception_ptr, auto const&) {
                     long_handled = true;
                   }));
    // And one whose timer has expired: it may be fired, its invoker queued.
    cf::async_wait(
        futures, {.timeout = 0s},
        boost::asio::bind_executor(ioc, [](std::exception_ptr, auto const&) {}));
    ioc.poll_one();
    BOOST_TEST(boost::asio::use_service<cf::detail::async_op_service>(ioc).pending() >=
               1u);
  }
  for (auto& p : promises)
    p.set_result(1);
  BOOST_TEST(!long_handled); // dropped with its io_context, never called
}

BOOST_AUTO_TEST_SUITE_END()
