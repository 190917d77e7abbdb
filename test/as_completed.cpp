//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Port of CPython's Lib/test/test_concurrent_futures/test_as_completed.py
// (the thread pool variant).
#include <concurrent/futures/as_completed.hpp>

#include "support/co_test.hpp"
#include "support/pool_fixture.hpp"
#include "support/test_support.hpp"

#include <concurrent/futures/thread_pool_executor.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <string>
#include <thread>

namespace utf = boost::unit_test;

BOOST_FIXTURE_TEST_SUITE(as_completed_tests, test::pool_fixture)

// test_no_timeout
BOOST_AUTO_TEST_CASE(yields_every_future, *utf::timeout(60)) {
  auto notified = test::cancelled_and_notified_future();
  auto failed = test::exception_future();
  auto successful = test::successful_future();
  auto f1 = executor.submit(test::mul, 2, 21);
  auto f2 = executor.submit(test::mul, 7, 6);
  std::unordered_set<cf::future<int>> seen;
  for (cf::future<int>& f : cf::as_completed({notified, failed, successful, f1, f2}))
    seen.insert(f);
  BOOST_TEST((seen ==
              std::unordered_set<cf::future<int>>{notified, failed, successful, f1, f2}));
}

// test_future_times_out, timeout = 0 and 100 ms
BOOST_AUTO_TEST_CASE(timeout_yields_finished_then_throws, *utf::timeout(60)) {
  for (auto timeout : {cf::timeout_type(0s), cf::timeout_type(100ms)}) {
    test::event release;
    auto notified = test::cancelled_and_notified_future();
    auto failed = test::exception_future();
    auto successful = test::successful_future();
    auto slow = executor.submit([&] { return release.wait() ? 1 : 0; });
    std::unordered_set<cf::future<int>> seen;
    bool timed_out = false;
    try {
      for (auto& f : cf::as_completed({notified, failed, successful, slow}, timeout))
        seen.insert(f);
    } catch (cf::timeout_error const&) {
      timed_out = true;
    }
    BOOST_TEST(timed_out);
    BOOST_TEST(
        (seen == std::unordered_set<cf::future<int>>{notified, failed, successful}));
    release.set();
    slow.result();
  }
}

// test_duplicate_futures
BOOST_AUTO_TEST_CASE(duplicates_are_yielded_once, *utf::timeout(60)) {
  auto f1 = executor.submit(test::mul, 2, 3);
  std::vector<cf::future<int>> three(3, f1);
  int count = 0;
  for (auto& f : cf::as_completed(three)) {
    BOOST_TEST((f == f1));
    ++count;
  }
  BOOST_TEST(count == 1);
}

// Python yields only done futures. A completion wakes the consumer a moment
// before the future's state says done; found with the process pool, whose
// completions come from its own thread while the consumer waits.
BOOST_AUTO_TEST_CASE(every_yielded_future_is_done, *utf::timeout(120)) {
  for (int round = 0; round < 20; ++round) {
    std::vector<cf::future<int>> fs;
    for (int i = 0; i < 200; ++i)
      fs.push_back(executor.submit(test::mul, i, 2));
    int not_done = 0;
    for (auto& f : cf::as_completed(fs))
      not_done += f.done() ? 0 : 1;
    BOOST_TEST(not_done == 0);
  }
}

// test_free_reference_yielded_future: the range keeps no reference to a
// future it has yielded. The values are shared_ptrs watched by weak_ptrs:
// once the caller drops a yielded future (and its promise is gone), the
// value dies while the range is still alive.
BOOST_AUTO_TEST_CASE(yielded_futures_are_not_kept, *utf::timeout(60)) {
  using value = std::shared_ptr<int>;
  std::vector<std::unique_ptr<cf::promise<value>>> promises;
  std::vector<cf::future<value>> fs;
  for (int i = 0; i < 8; ++i) {
    promises.push_back(std::make_unique<cf::promise<value>>());
    fs.push_back(promises.back()->get_future());
  }
  cf::promise<value> done_already;
  done_already.set_result(std::make_shared<int>(42));
  fs.push_back(done_already.get_future());

  auto watch_of = [](cf::future<value> const& f) {
    return std::weak_ptr<int>(f.result());
  };

  {
    cf::as_completed range(fs, 0s);
    fs.pop_back(); // the caller's own copy of the finished future goes
    auto f = range.next();
    BOOST_TEST_REQUIRE(f.has_value());
    auto watch = watch_of(*f);
    f.reset();
    BOOST_TEST(!watch.expired()); // done_already's promise still holds it
    BOOST_CHECK_THROW(range.next(), cf::timeout_error);
  }

  cf::as_completed range(fs);
  fs.clear();
  promises[0]->set_result(std::make_shared<int>(0));
  promises[0].reset();
  for (int i = 0; i < 8; ++i) {
    auto f = range.next();
    BOOST_TEST_REQUIRE(f.has_value());
    auto watch = watch_of(*f);
    f.reset(); // the only handle left was the yielded one
    BOOST_TEST_REQUIRE(watch.expired());
    if (i + 1 < 8) {
      promises[i + 1]->set_result(std::make_shared<int>(i + 1));
      promises[i + 1].reset();
    }
  }
  BOOST_TEST(!range.next());
}

BOOST_AUTO_TEST_CASE(already_settled_futures_come_first_in_input_order,
                     *utf::timeout(60)) {
  auto pending = test::pending_future();
  auto a = test::successful_future(1);
  auto b = test::cancelled_and_notified_future();
  auto c = test::successful_future(3);
  cf::as_completed range({pending, c, a, b}, 0s);
  BOOST_TEST((range.next().value() == c));
  BOOST_TEST((range.next().value() == a));
  BOOST_TEST((range.next().value() == b));
  BOOST_CHECK_THROW(range.next(), cf::timeout_error);
}

// test_correct_timeout_exception_msg
BOOST_AUTO_TEST_CASE(timeout_message_counts_unfinished, *utf::timeout(60)) {
  auto notified = test::cancelled_and_notified_future();
  auto pending = test::pending_future();
  auto running = test::running_future();
  auto successful = test::successful_future();
  try {
    for (auto& f : cf::as_completed({notified, pending, running, successful}, 0s))
      (void)f;
    BOOST_FAIL("expected timeout_error");
  } catch (cf::timeout_error const& e) {
    BOOST_TEST(std::string(e.what()) == "2 (of 4) futures unfinished");
  }
}

BOOST_AUTO_TEST_CASE(after_a_timeout_the_range_is_exhausted, *utf::timeout(60)) {
  auto pending = test::pending_future();
  cf::as_completed range({pending}, 0s);
  BOOST_CHECK_THROW(range.next(), cf::timeout_error);
  BOOST_TEST(!range.next());
}

BOOST_AUTO_TEST_CASE(yields_in_completion_order, *utf::timeout(60)) {
  std::vector<cf::promise<int>> promises(5);
  auto fs = test::futures_of(promises);
  cf::as_completed range(fs);
  int const order[] = {3, 0, 4, 1, 2};
  for (int i : order)
    promises[static_cast<std::size_t>(i)].set_result(i);
  std::vector<int> seen;
  for (auto& f : range)
    seen.push_back(f.result());
  BOOST_TEST((seen == std::vector<int>{3, 0, 4, 1, 2}));
}

BOOST_AUTO_TEST_CASE(a_merely_cancelled_future_is_not_yielded_until_notified,
                     *utf::timeout(60)) {
  auto f = test::pending_future();
  f.cancel();
  cf::as_completed range({f}, 0s);
  BOOST_CHECK_THROW(range.next(), cf::timeout_error);

  auto g = test::pending_future();
  cf::as_completed later({g}, 30s);
  g.cancel();
  // Notified once this thread sleeps in next(), so the wait is what wakes.
  test::when_asleep notifier([g] { g.set_running_or_notify_cancel(); });
  auto yielded = later.next();
  notifier.join();
  BOOST_TEST_REQUIRE(yielded.has_value());
  BOOST_TEST(yielded->cancelled());
}

BOOST_AUTO_TEST_CASE(futures_of_different_types_through_any_future, *utf::timeout(60)) {
  std::vector<cf::any_future> mixed{executor.submit([] { return 1; }),
                                    executor.submit([] { return std::string("x"); }),
                                    executor.submit([] {})};
  int n = 0;
  for (cf::any_future& f : cf::as_completed(mixed)) {
    f.result();
    ++n;
  }
  BOOST_TEST(n == 3);
}

BOOST_AUTO_TEST_CASE(destroying_the_range_early_unlinks_its_waiters, *utf::timeout(60)) {
  std::vector<cf::promise<int>> promises(4);
  auto fs = test::futures_of(promises);
  {
    cf::as_completed range(fs);
    promises[0].set_result(0);
    BOOST_TEST(range.next()->result() == 0);
  }
  // Completing the rest after the range is gone touches nothing freed
  // (AddressSanitizer would say otherwise).
  for (std::size_t i = 1; i < promises.size(); ++i)
    promises[i].set_result(static_cast<int>(i));
}

BOOST_AUTO_TEST_CASE(many_futures_completing_from_many_threads, *utf::timeout(120)) {
  constexpr int n = 2000;
  std::vector<cf::future<int>> fs;
  for (int i = 0; i < n; ++i)
    fs.push_back(executor.submit([i] { return i; }));
  long sum = 0;
  int count = 0;
  for (auto& f : cf::as_completed(fs)) {
    sum += f.result();
    ++count;
  }
  BOOST_TEST(count == n);
  BOOST_TEST(sum == static_cast<long>(n) * (n - 1) / 2);
}

// async_next: the asynchronous form.

BOOST_AUTO_TEST_CASE(async_next_yields_in_completion_order, *utf::timeout(60)) {
  std::vector<cf::promise<int>> promises(4);
  auto futures = test::futures_of(promises);
  promises[2].set_result(2); // already done: comes first
  boost::asio::io_context ioc;
  std::vector<int> order;
  test::co_run(ioc, [&]() -> boost::asio::awaitable<void> {
    cf::as_completed pending(futures);
    // The others complete once this thread sleeps in run(), the coroutine
    // suspended in async_next.
    test::when_asleep setter([&] {
      promises[3].set_result(3);
      promises[0].set_result(0);
      promises[1].set_result(1);
    });
    while (auto f = co_await pending.async_next(boost::asio::use_awaitable))
      order.push_back(f->result());
    setter.join();
    BOOST_TEST(pending.unfinished() == 0u);
  }());
  BOOST_TEST((order == std::vector<int>{2, 3, 0, 1}));
}

BOOST_AUTO_TEST_CASE(async_next_times_out_with_pythons_message, *utf::timeout(60)) {
  auto futures = std::vector<cf::future<int>>{
      test::successful_future(), test::pending_future(), test::pending_future()};
  test::co_run([&]() -> boost::asio::awaitable<void> {
    cf::as_completed pending(futures, 10ms);
    auto first = co_await pending.async_next(boost::asio::use_awaitable);
    BOOST_TEST(first.has_value());
    try {
      co_await pending.async_next(boost::asio::use_awaitable);
      BOOST_FAIL("no timeout");
    } catch (cf::timeout_error const& e) {
      BOOST_TEST(std::string(e.what()) == "2 (of 3) futures unfinished");
    }
    // The range has ended.
    BOOST_TEST(!(co_await pending.async_next(boost::asio::use_awaitable)).has_value());
  }());
}

BOOST_AUTO_TEST_CASE(async_next_cancellation_loses_no_future, *utf::timeout(60)) {
  cf::promise<int> p;
  std::vector<cf::future<int>> futures{p.get_future()};
  cf::as_completed pending(futures);
  boost::asio::io_context ioc;
  boost::asio::cancellation_signal signal;
  std::exception_ptr error;
  pending.async_next(boost::asio::bind_cancellation_slot(
      signal.slot(), boost::asio::bind_executor(
                         ioc, [&](std::exception_ptr e, std::optional<cf::future<int>>) {
                           error = e;
                         })));
  ioc.poll();
  signal.emit(boost::asio::cancellation_type::terminal);
  ioc.run();
  ioc.restart();
  BOOST_CHECK_THROW(std::rethrow_exception(error), cf::cancelled_error);
  std::string const what = test::cancelled_what(error);
  BOOST_TEST(what.starts_with("async_next was cancelled, not the futures"), what);
  BOOST_TEST(!test::mentions(what, "before it ran"), what);
  p.set_result(5);
  std::optional<cf::future<int>> got;
  pending.async_next(boost::asio::bind_executor(
      ioc, [&](std::exception_ptr, std::optional<cf::future<int>> f) { got = f; }));
  ioc.run();
  BOOST_TEST_REQUIRE(got.has_value());
  BOOST_TEST(got->result() == 5);
}

BOOST_AUTO_TEST_CASE(destroying_as_completed_cancels_a_pending_async_next,
                     *utf::timeout(60)) {
  cf::promise<int> p;
  std::vector<cf::future<int>> futures{p.get_future()};
  boost::asio::io_context ioc;
  std::exception_ptr error;
  {
    cf::as_completed pending(futures);
    pending.async_next(boost::asio::bind_executor(
        ioc, [&](std::exception_ptr e, std::optional<cf::future<int>>) { error = e; }));
  }
  p.set_result(1); // nothing may reach the destroyed queue
  ioc.run();
  BOOST_CHECK_THROW(std::rethrow_exception(error), cf::cancelled_error);
  std::string const what = test::cancelled_what(error);
  BOOST_TEST(test::mentions(what, "its as_completed was destroyed"), what);
  BOOST_TEST(!test::mentions(what, "before it ran"), what);
}

BOOST_AUTO_TEST_CASE(async_next_stress_with_a_pool, *utf::timeout(120)) {
  cf::thread_pool_executor pool{{.max_workers = 3}};
  constexpr int n = 2000;
  std::vector<cf::future<int>> futures;
  for (int i = 0; i < n; ++i)
    futures.push_back(pool.submit([i] { return i; }));
  long sum = 0;
  int count = 0;
  test::co_run([&]() -> boost::asio::awaitable<void> {
    cf::as_completed pending(futures);
    while (auto f = co_await pending.async_next(boost::asio::use_awaitable)) {
      sum += f->result();
      ++count;
    }
  }());
  BOOST_TEST(count == n);
  BOOST_TEST(sum == static_cast<long>(n) * (n - 1) / 2);
}

BOOST_AUTO_TEST_CASE(async_next_with_timeout_survives_io_context_teardown,
                     *utf::timeout(60)) {
  cf::promise<int> p;
  std::vector<cf::future<int>> futures{p.get_future()};
  cf::as_completed pending(futures, std::chrono::hours(1));
  bool handled = false;
  {
    boost::asio::io_context ioc;
    pending.async_next(boost::asio::bind_executor(
        ioc,
        [&](std::exception_ptr, std::optional<cf::future<int>>) { handled = true; }));
    ioc.poll();
  }
  p.set_result(1); // the op was unlinked from the queue: nothing touches it
  BOOST_TEST(!handled);
  // The queue took the future back in line: nothing was handed out.
  BOOST_TEST(pending.unfinished() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
