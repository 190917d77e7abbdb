//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// cf::promise: the executor side of a future that no executor backs.
#include <concurrent/futures/promise.hpp>

#include "support/test_support.hpp"

#include <concurrent/futures/as_completed.hpp>
#include <concurrent/futures/wait.hpp>

#include <thread>

namespace utf = boost::unit_test;

BOOST_AUTO_TEST_SUITE(promise_tests)

BOOST_AUTO_TEST_CASE(completes_its_future_from_another_thread, *utf::timeout(60)) {
  cf::promise<int> p;
  auto f = p.get_future();
  // Set once this thread sleeps in result(), so the result wakes a waiter.
  test::when_asleep t([p = std::move(p)]() mutable { p.set_result(42); });
  BOOST_TEST(f.result() == 42);
  t.join();
}

BOOST_AUTO_TEST_CASE(every_get_future_shares_the_state) {
  cf::promise<int> p;
  BOOST_TEST((p.get_future() == p.get_future()));
}

BOOST_AUTO_TEST_CASE(set_result_from_running_is_allowed) {
  cf::promise<std::string> p;
  auto f = p.get_future();
  BOOST_TEST(f.set_running_or_notify_cancel());
  BOOST_TEST(f.running());
  p.set_result("done");
  BOOST_TEST(f.result() == "done");
  BOOST_TEST(!f.running());
}

BOOST_AUTO_TEST_CASE(set_result_constructs_in_place) {
  cf::promise<std::pair<int, std::string>> p;
  p.set_result(1, "one");
  BOOST_TEST(p.get_future().result().second == "one");
}

BOOST_AUTO_TEST_CASE(an_unfulfilled_promise_breaks_its_future) {
  cf::future<int> f;
  {
    cf::promise<int> p;
    f = p.get_future();
  }
  try {
    f.result();
    BOOST_FAIL("expected std::future_error");
  } catch (std::future_error const& e) {
    BOOST_TEST((e.code() == std::future_errc::broken_promise));
  }
}

BOOST_AUTO_TEST_CASE(a_cancelled_future_stays_cancelled_when_its_promise_goes) {
  cf::future<int> f;
  {
    cf::promise<int> p;
    f = p.get_future();
    f.cancel();
  }
  BOOST_TEST(f.cancelled());
}

BOOST_AUTO_TEST_CASE(moved_from_promise_has_no_state) {
  cf::promise<int> p;
  auto f = p.get_future();
  cf::promise<int> q = std::move(p);
  BOOST_CHECK_THROW(p.set_result(1), std::future_error);
  q.set_result(2);
  BOOST_TEST(f.result() == 2);
  cf::promise<int> r;
  auto g = r.get_future();
  r = std::move(q); // r's own state is abandoned: broken promise
  BOOST_CHECK_THROW(g.result(), std::future_error);
}

BOOST_AUTO_TEST_CASE(set_exception_needs_an_exception) {
  cf::promise<int> p;
  BOOST_CHECK_THROW(p.set_exception(std::exception_ptr()), std::invalid_argument);
  BOOST_TEST(!p.get_future().done());
}

BOOST_AUTO_TEST_CASE(promises_work_with_wait_and_as_completed, *utf::timeout(60)) {
  cf::promise<int> a, b;
  std::vector<cf::future<int>> fs{a.get_future(), b.get_future()};
  // Set once this thread sleeps in wait().
  test::when_asleep t([&] {
    b.set_result(2);
    a.set_result(1);
  });
  auto [done, not_done] = cf::wait(fs);
  BOOST_TEST(done.size() == 2u);
  t.join();
  int sum = 0;
  for (auto& f : cf::as_completed(fs))
    sum += f.result();
  BOOST_TEST(sum == 3);
}

BOOST_AUTO_TEST_SUITE_END()
