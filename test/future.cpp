//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Port of CPython's Lib/test/test_concurrent_futures/test_future.py, and the
// shared state's own edges (move-only values, the waiter list race).
#include <concurrent/futures/future.hpp>

#include "support/test_support.hpp"

#include <concurrent/futures/promise.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>
#include <unordered_set>

namespace utf = boost::unit_test;

namespace {

bool matches(std::string const& text, char const* pattern) {
  return std::regex_match(text, std::regex(pattern));
}

template <class E, class F>
bool throws(F&& f) {
  try {
    f();
  } catch (E const&) {
    return true;
  } catch (...) {
    return false;
  }
  return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(future_tests)

// test_done_callback_with_result
BOOST_AUTO_TEST_CASE(done_callback_with_result_runs_on_set_result) {
  std::optional<int> seen;
  cf::promise<int> p;
  auto f = p.get_future();
  f.add_done_callback([&](cf::future<int> const& g) { seen = g.result(); });
  BOOST_TEST(!seen);
  p.set_result(5);
  BOOST_TEST(seen.value() == 5);
}

// test_done_callback_with_exception
BOOST_AUTO_TEST_CASE(done_callback_with_exception_sees_it) {
  std::string seen;
  cf::promise<int> p;
  auto f = p.get_future();
  f.add_done_callback([&](cf::future<int> const& g) {
    try {
      std::rethrow_exception(g.exception());
    } catch (std::exception const& e) {
      seen = e.what();
    }
  });
  p.set_exception(std::runtime_error("test"));
  BOOST_TEST(seen == "test");
}

// test_done_callback_with_cancel
BOOST_AUTO_TEST_CASE(done_callback_runs_on_cancel) {
  bool was_cancelled = false;
  auto f = test::pending_future();
  f.add_done_callback([&](cf::future<int> const& g) { was_cancelled = g.cancelled(); });
  BOOST_TEST(f.cancel());
  BOOST_TEST(was_cancelled);
}

// test_done_callback_raises
BOOST_AUTO_TEST_CASE(raising_callback_is_reported_and_later_callbacks_run) {
  test::captured_callback_errors errors;
  bool raising_was_called = false;
  bool fn_was_called = false;
  cf::promise<int> p;
  auto f = p.get_future();
  f.add_done_callback([&](cf::future<int> const&) {
    raising_was_called = true;
    throw std::runtime_error("doh!");
  });
  f.add_done_callback([&](cf::future<int> const&) { fn_was_called = true; });
  p.set_result(5);
  BOOST_TEST(raising_was_called);
  BOOST_TEST(fn_was_called);
  auto messages = errors.messages();
  BOOST_TEST_REQUIRE(messages.size() == 1u);
  BOOST_TEST(messages[0] == "doh!");
  BOOST_TEST((errors.futures()[0] == cf::any_future(f)));
}

// test_done_callback_already_successful
BOOST_AUTO_TEST_CASE(callback_on_finished_future_runs_at_once) {
  std::optional<int> seen;
  auto f = test::successful_future(5);
  f.add_done_callback([&](cf::future<int> const& g) { seen = g.result(); });
  BOOST_TEST(seen.value() == 5);
}

// test_done_callback_already_failed
BOOST_AUTO_TEST_CASE(callback_on_failed_future_runs_at_once) {
  std::string seen;
  cf::promise<int> p;
  p.set_exception(std::runtime_error("test"));
  p.get_future().add_done_callback([&](cf::future<int> const& g) {
    try {
      std::rethrow_exception(g.exception());
    } catch (std::runtime_error const& e) {
      seen = e.what();
    }
  });
  BOOST_TEST(seen == "test");
}

// test_done_callback_already_cancelled
BOOST_AUTO_TEST_CASE(callback_on_cancelled_future_runs_at_once) {
  bool was_cancelled = false;
  auto f = test::pending_future();
  BOOST_TEST(f.cancel());
  f.add_done_callback([&](cf::future<int> const& g) { was_cancelled = g.cancelled(); });
  BOOST_TEST(was_cancelled);
}

// test_done_callback_raises_already_succeeded, with the default handler:
// "exception calling callback for <future ...>" and the what() on stderr.
BOOST_AUTO_TEST_CASE(default_handler_writes_to_stderr) {
  auto f = test::successful_future(5);
  test::stderr_capture capture;
  f.add_done_callback([](cf::future<int> const&) { throw std::runtime_error("doh!"); });
  std::string const text = capture.text();
  BOOST_TEST(text.find("exception calling callback for <future at 0x") !=
             std::string::npos);
  BOOST_TEST(text.find("doh!") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(callbacks_run_in_registration_order_once) {
  std::vector<int> order;
  cf::promise<int> p;
  auto f = p.get_future();
  for (int i = 0; i < 5; ++i)
    f.add_done_callback([&order, i](cf::future<int> const&) { order.push_back(i); });
  BOOST_TEST(f.cancel());
  BOOST_TEST(f.cancel()); // a second cancel runs nothing again
  f.set_running_or_notify_cancel();
  BOOST_TEST((order == std::vector<int>{0, 1, 2, 3, 4}));
}

BOOST_AUTO_TEST_CASE(callback_runs_in_the_completing_thread, *utf::timeout(60)) {
  cf::promise<int> p;
  auto f = p.get_future();
  std::thread::id ran_on;
  f.add_done_callback(
      [&](cf::future<int> const&) { ran_on = std::this_thread::get_id(); });
  std::thread t([&] { p.set_result(1); });
  auto const completer = t.get_id();
  t.join();
  BOOST_TEST((ran_on == completer));
}

BOOST_AUTO_TEST_CASE(callbacks_are_freed_once_they_ran) {
  auto counted = std::make_shared<int>(0);
  {
    cf::promise<int> p;
    auto f = p.get_future();
    f.add_done_callback([counted](cf::future<int> const&) {});
    BOOST_TEST(counted.use_count() == 2);
    f.cancel(); // runs and frees it
    BOOST_TEST(counted.use_count() == 1);
  }
  {
    // A promise dropped unfulfilled completes the future (broken promise).
    auto* p = new cf::promise<int>;
    auto f = p->get_future();
    f.add_done_callback([counted](cf::future<int> const&) {});
    BOOST_TEST(counted.use_count() == 2);
    delete p; // completes with broken_promise: runs the callback
    BOOST_TEST(counted.use_count() == 1);
  }
}

// test_repr
BOOST_AUTO_TEST_CASE(repr_names_state_and_outcome) {
  BOOST_TEST(
      matches(test::pending_future().repr(), "<future at 0x[0-9a-f]+ state=pending>"));
  BOOST_TEST(
      matches(test::running_future().repr(), "<future at 0x[0-9a-f]+ state=running>"));
  BOOST_TEST(matches(test::cancelled_future().repr(),
                     "<future at 0x[0-9a-f]+ state=cancelled>"));
  BOOST_TEST(matches(test::cancelled_and_notified_future().repr(),
                     "<future at 0x[0-9a-f]+ state=cancelled>"));
  BOOST_TEST(matches(test::exception_future().repr(),
                     "<future at 0x[0-9a-f]+ state=finished raised test::os_error>"));
  BOOST_TEST(matches(test::successful_future().repr(),
                     "<future at 0x[0-9a-f]+ state=finished returned int>"));
  std::ostringstream os;
  os << cf::any_future(test::successful_future());
  BOOST_TEST(matches(os.str(), "<future at 0x[0-9a-f]+ state=finished returned int>"));
}

// test_cancel
BOOST_AUTO_TEST_CASE(cancel_follows_python_state_table) {
  auto f1 = test::pending_future();
  auto f2 = test::running_future();
  auto f3 = test::cancelled_future();
  auto f4 = test::cancelled_and_notified_future();
  auto f5 = test::exception_future();
  auto f6 = test::successful_future(5);

  BOOST_TEST(f1.cancel());
  BOOST_TEST(f1.cancelled());
  BOOST_TEST(!f2.cancel());
  BOOST_TEST(f2.running());
  BOOST_TEST(f3.cancel());
  BOOST_TEST(f3.cancelled());
  BOOST_TEST(f4.cancel());
  BOOST_TEST(f4.cancelled());
  BOOST_TEST(!f5.cancel());
  BOOST_TEST(f5.done());
  BOOST_TEST(!f6.cancel());
  BOOST_TEST(f6.result() == 5);
}

// test_cancelled, test_done, test_running
BOOST_AUTO_TEST_CASE(state_predicates_follow_python) {
  struct row {
    cf::future<int> f;
    bool cancelled, done, running;
  };
  row const rows[] = {
      {test::pending_future(), false, false, false},
      {test::running_future(), false, false, true},
      {test::cancelled_future(), true, true, false},
      {test::cancelled_and_notified_future(), true, true, false},
      {test::exception_future(), false, true, false},
      {test::successful_future(), false, true, false},
  };
  for (auto const& r : rows) {
    BOOST_TEST(r.f.cancelled() == r.cancelled);
    BOOST_TEST(r.f.done() == r.done);
    BOOST_TEST(r.f.running() == r.running);
  }
}

// test_result_with_timeout
BOOST_AUTO_TEST_CASE(result_with_zero_timeout_per_state) {
  BOOST_TEST(throws<cf::timeout_error>([] { test::pending_future().result(0s); }));
  BOOST_TEST(throws<cf::timeout_error>([] { test::running_future().result(0s); }));
  BOOST_TEST(throws<cf::cancelled_error>([] { test::cancelled_future().result(0s); }));
  BOOST_TEST(throws<cf::cancelled_error>(
      [] { test::cancelled_and_notified_future().result(0s); }));
  BOOST_TEST(throws<test::os_error>([] { test::exception_future().result(0s); }));
  BOOST_TEST(test::successful_future().result(0s) == 42);
  // Negative behaves as zero; a short positive timeout expires.
  BOOST_TEST(throws<cf::timeout_error>([] { test::pending_future().result(-1s); }));
  BOOST_TEST(throws<cf::timeout_error>([] { test::pending_future().result(10ms); }));
}

// test_result_with_success: the completing thread waits until the main
// thread really sleeps in result(), instead of CPython's one-second sleep.
BOOST_AUTO_TEST_CASE(blocked_result_wakes_on_set_result, *utf::timeout(60)) {
  cf::promise<int> p;
  auto f = p.get_future();
  auto const waiter = ::gettid();
  std::thread t([&] {
    test::wait_until_sleeping(waiter);
    p.set_result(42);
  });
  BOOST_TEST(f.result(30s) == 42);
  t.join();
}

// test_result_with_cancel
BOOST_AUTO_TEST_CASE(blocked_result_wakes_on_cancel, *utf::timeout(60)) {
  auto f = test::pending_future();
  auto const waiter = ::gettid();
  std::thread t([f, waiter] {
    test::wait_until_sleeping(waiter);
    f.cancel();
  });
  BOOST_TEST(throws<cf::cancelled_error>([&] { f.result(30s); }));
  t.join();
}

// test_exception_with_timeout
BOOST_AUTO_TEST_CASE(exception_with_zero_timeout_per_state) {
  BOOST_TEST(throws<cf::timeout_error>([] { test::pending_future().exception(0s); }));
  BOOST_TEST(throws<cf::timeout_error>([] { test::running_future().exception(0s); }));
  BOOST_TEST(throws<cf::cancelled_error>([] { test::cancelled_future().exception(0s); }));
  BOOST_TEST(throws<cf::cancelled_error>(
      [] { test::cancelled_and_notified_future().exception(0s); }));
  auto e = test::exception_future().exception(0s);
  BOOST_TEST(throws<test::os_error>([&] { std::rethrow_exception(e); }));
  BOOST_TEST(!test::successful_future().exception(0s));
}

// test_exception_with_success
BOOST_AUTO_TEST_CASE(blocked_exception_wakes_on_set_exception, *utf::timeout(60)) {
  cf::promise<int> p;
  auto f = p.get_future();
  auto const waiter = ::gettid();
  std::thread t([&] {
    test::wait_until_sleeping(waiter);
    p.set_exception(test::os_error());
  });
  auto e = f.exception(30s);
  BOOST_TEST(throws<test::os_error>([&] { std::rethrow_exception(e); }));
  t.join();
}

// test_multiple_set_result
BOOST_AUTO_TEST_CASE(second_set_result_throws_invalid_state_and_keeps_first) {
  cf::promise<int> p;
  auto f = p.get_future();
  p.set_result(1);
  try {
    p.set_result(2);
    BOOST_FAIL("expected invalid_state_error");
  } catch (cf::invalid_state_error const& e) {
    BOOST_TEST(matches(e.what(),
                       "FINISHED: <future at 0x[0-9a-f]+ state=finished returned int>"));
  }
  BOOST_TEST(f.done());
  BOOST_TEST(f.result() == 1);
}

// test_multiple_set_exception
BOOST_AUTO_TEST_CASE(second_set_exception_throws_invalid_state_and_keeps_first) {
  cf::promise<int> p;
  auto f = p.get_future();
  auto first = std::make_exception_ptr(std::invalid_argument("first"));
  p.set_exception(first);
  try {
    p.set_exception(std::runtime_error("second"));
    BOOST_FAIL("expected invalid_state_error");
  } catch (cf::invalid_state_error const& e) {
    BOOST_TEST(matches(
        e.what(),
        "FINISHED: <future at 0x[0-9a-f]+ state=finished raised std::invalid_argument>"));
  }
  BOOST_TEST((f.exception() == first));
}

BOOST_AUTO_TEST_CASE(set_result_on_cancelled_future_throws_invalid_state) {
  cf::promise<int> p;
  auto f = p.get_future();
  f.cancel();
  try {
    p.set_result(1);
    BOOST_FAIL("expected invalid_state_error");
  } catch (cf::invalid_state_error const& e) {
    BOOST_TEST(matches(e.what(), "CANCELLED: <future at 0x[0-9a-f]+ state=cancelled>"));
  }
  f.set_running_or_notify_cancel();
  BOOST_TEST(throws<cf::invalid_state_error>([&] { p.set_result(1); }));
}

// test_swallows_falsey_exceptions: C++ has no falsy exceptions, but any
// thrown type, even a non-class one, must come back as itself.
BOOST_AUTO_TEST_CASE(any_thrown_value_is_rethrown) {
  cf::promise<int> p;
  auto f = p.get_future();
  p.set_exception(std::make_exception_ptr(0));
  BOOST_TEST(throws<int>([&] { f.result(); }));
  BOOST_TEST(matches(f.repr(), "<future at 0x[0-9a-f]+ state=finished raised "
                               "a non-std::exception>"));
}

BOOST_AUTO_TEST_CASE(set_running_or_notify_cancel_follows_python) {
  auto pending = test::pending_future();
  BOOST_TEST(pending.set_running_or_notify_cancel());
  BOOST_TEST(pending.running());
  BOOST_TEST(throws<std::runtime_error>([&] { pending.set_running_or_notify_cancel(); }));

  auto cancelled = test::cancelled_future();
  BOOST_TEST(!cancelled.set_running_or_notify_cancel());
  BOOST_TEST(cancelled.cancelled());
  try {
    cancelled.set_running_or_notify_cancel();
    BOOST_FAIL("expected std::runtime_error");
  } catch (std::runtime_error const& e) {
    BOOST_TEST(std::string(e.what()).starts_with("Future in unexpected state"));
  }
  BOOST_TEST(throws<std::runtime_error>(
      [] { test::successful_future().set_running_or_notify_cancel(); }));
}

BOOST_AUTO_TEST_CASE(copies_compare_equal_and_hash_alike) {
  auto f = test::pending_future();
  auto g = f;
  auto h = test::pending_future();
  BOOST_TEST((f == g));
  BOOST_TEST(!(f == h));
  BOOST_TEST(std::hash<cf::future<int>>{}(f) == std::hash<cf::future<int>>{}(g));
  cf::any_future a = f;
  BOOST_TEST((a == cf::any_future(g)));
  BOOST_TEST((a == f));
  BOOST_TEST(std::hash<cf::any_future>{}(a) == std::hash<cf::future<int>>{}(f));
  std::unordered_set<cf::future<int>> set{f, g, h};
  BOOST_TEST(set.size() == 2u);
  BOOST_TEST((a.as<int>() == f));
  BOOST_TEST(!a.as<double>().valid());
}

BOOST_AUTO_TEST_CASE(a_future_without_state_throws_no_state) {
  cf::future<int> f;
  BOOST_TEST(!f.valid());
  try {
    f.result();
    BOOST_FAIL("expected std::future_error");
  } catch (std::future_error const& e) {
    BOOST_TEST((e.code() == std::future_errc::no_state));
  }
  BOOST_TEST(f.repr() == "<future without state>");
}

BOOST_AUTO_TEST_CASE(move_only_value) {
  cf::promise<std::unique_ptr<int>> p;
  auto f = p.get_future();
  p.set_result(std::make_unique<int>(7));
  BOOST_TEST(*f.result() == 7);
  BOOST_TEST(matches(f.repr(), ".*returned std::unique_ptr<int.*>>"));
}

BOOST_AUTO_TEST_CASE(value_without_default_constructor) {
  struct no_default {
    explicit no_default(int v) : value(v) {}
    int value;
  };
  cf::promise<no_default> p;
  auto f = p.get_future();
  p.set_result(3);
  BOOST_TEST(f.result().value == 3);
}

BOOST_AUTO_TEST_CASE(void_future) {
  cf::promise<void> p;
  auto f = p.get_future();
  BOOST_TEST(!f.done());
  p.set_result();
  f.result();
  BOOST_TEST(f.done());
  BOOST_TEST(!f.exception());
  BOOST_TEST(matches(f.repr(), "<future at 0x[0-9a-f]+ state=finished returned void>"));
}

BOOST_AUTO_TEST_CASE(value_is_destroyed_with_the_last_handle) {
  auto tracker = std::make_shared<int>(1);
  {
    cf::promise<std::shared_ptr<int>> p;
    auto f = p.get_future();
    p.set_result(tracker);
    BOOST_TEST(tracker.use_count() == 2);
  }
  BOOST_TEST(tracker.use_count() == 1);
}

BOOST_AUTO_TEST_CASE(many_threads_blocked_on_one_future_all_wake, *utf::timeout(60)) {
  constexpr int n = 8;
  cf::promise<int> p;
  auto f = p.get_future();
  test::sleepers blocked;
  test::counter woke;
  std::vector<std::thread> waiters;
  for (int i = 0; i < n; ++i)
    waiters.emplace_back([&] {
      blocked.enter();
      if (f.result(60s) == 9)
        woke.add();
    });
  // Completes the future only once every waiter sleeps in result(): found
  // already done, a result() would not be the blocked wait under test.
  BOOST_TEST(blocked.all_asleep(n));
  BOOST_TEST(woke.value() == 0);
  p.set_result(9);
  for (auto& t : waiters)
    t.join();
  BOOST_TEST(woke.value() == n);
}

namespace {

// A waiter as the Asio bridge's cancellable waits use one: it must learn
// either "removed before completion" or "completed", never both or neither.
struct probe_waiter final : cf::detail::waiter {
  probe_waiter() : waiter(wake_on::done) {}
  std::atomic<int> completions{0};
  void complete(cf::detail::shared_state_base&,
                cf::detail::future_status) noexcept override {
    completions.fetch_add(1, std::memory_order_relaxed);
  }
};

} // namespace

BOOST_AUTO_TEST_CASE(waiter_leaves_in_o1_safely_against_racing_completion,
                     *utf::timeout(120)) {
  constexpr int rounds = 20000;
  int removed_first = 0;
  int completed_first = 0;
  for (int i = 0; i < rounds; ++i) {
    cf::promise<int> p;
    auto f = p.get_future();
    auto* state = cf::detail::future_access::state(f);
    probe_waiter w;
    BOOST_TEST_REQUIRE(state->add_waiter(w));
    std::atomic<bool> go{false};
    std::thread completer([&] {
      while (!go.load(std::memory_order_acquire)) {
      }
      p.set_result(i);
    });
    go.store(true, std::memory_order_release);
    bool const removed = state->remove_waiter(w);
    completer.join();
    // Exactly one of the two happened, and w is no longer referenced.
    BOOST_TEST_REQUIRE(w.completions.load() == (removed ? 0 : 1));
    BOOST_TEST_REQUIRE(!w.linked());
    (removed ? removed_first : completed_first)++;
  }
  BOOST_TEST(removed_first + completed_first == rounds);
  BOOST_TEST_MESSAGE("removed first " << removed_first << ", completed first "
                                      << completed_first);
}

BOOST_AUTO_TEST_CASE(waiters_in_the_middle_of_the_list_leave_in_any_order) {
  cf::promise<int> p;
  auto f = p.get_future();
  auto* state = cf::detail::future_access::state(f);
  std::vector<std::unique_ptr<probe_waiter>> ws;
  for (int i = 0; i < 5; ++i) {
    ws.push_back(std::make_unique<probe_waiter>());
    BOOST_TEST(state->add_waiter(*ws.back()));
  }
  BOOST_TEST(state->remove_waiter(*ws[2]));
  BOOST_TEST(state->remove_waiter(*ws[0]));
  BOOST_TEST(state->remove_waiter(*ws[4]));
  BOOST_TEST(!state->remove_waiter(*ws[4]));
  p.set_result(1);
  int const expected[] = {0, 1, 0, 1, 0};
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(ws[i]->completions.load() == expected[i]);
}

BOOST_AUTO_TEST_CASE(concurrent_set_result_and_cancel_have_one_winner,
                     *utf::timeout(120)) {
  for (int i = 0; i < 5000; ++i) {
    cf::promise<int> p;
    auto f = p.get_future();
    std::atomic<int> callbacks{0};
    f.add_done_callback([&](cf::future<int> const&) { callbacks.fetch_add(1); });
    std::atomic<bool> set_ok{false};
    std::thread a([&] {
      try {
        p.set_result(1);
        set_ok = true;
      } catch (cf::invalid_state_error const&) {
      }
    });
    bool const cancel_ok = f.cancel();
    a.join();
    BOOST_TEST_REQUIRE(set_ok.load() != cancel_ok);
    BOOST_TEST_REQUIRE(callbacks.load() == 1);
    BOOST_TEST_REQUIRE(f.done());
  }
}

BOOST_AUTO_TEST_CASE(result_on_an_rvalue_moves_a_move_only_value_out, *utf::timeout(30)) {
  cf::thread_pool_executor pool({.max_workers = 1});
  auto f = pool.submit([] { return std::make_unique<int>(7); });
  std::unique_ptr<int> p = std::move(f).result();
  BOOST_TEST(*p == 7);
  // A temporary future hands its value over instead of a reference that
  // would dangle at the end of the statement.
  std::string s = pool.submit([] { return std::string(100, 'x'); }).result();
  BOOST_TEST(s.size() == 100u);
  static_assert(std::is_same_v<decltype(std::move(f).result()), std::unique_ptr<int>>);
  static_assert(std::is_same_v<decltype(f.result()), std::unique_ptr<int> const&>);
  auto failing =
      pool.submit([]() -> std::unique_ptr<int> { throw std::runtime_error("no"); });
  BOOST_CHECK_THROW(std::move(failing).result(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(moving_a_result_out_leaves_it_to_other_readers, *utf::timeout(30)) {
  cf::thread_pool_executor pool({.max_workers = 2});
  std::string const text(1000, 'x');
  auto f = pool.submit([text] { return text; });
  auto copy = f;
  // The dependent reads its parent's value only when it runs: after the
  // move below, once `held` lets it go.
  test::event go;
  auto held = pool.submit([&go] { go.wait(); });
  auto length =
      pool.submit(cf::after(f, held), [](std::string const& s) { return s.size(); });
  std::string const taken = std::move(f).result();
  go.set();
  BOOST_TEST(taken == text);
  BOOST_TEST(copy.result() == text);
  BOOST_TEST(length.result() == text.size());
}

BOOST_AUTO_TEST_SUITE_END()
