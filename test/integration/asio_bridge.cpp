//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A future as an Asio asynchronous operation: async_wait with every token,
// co_await in asio::awaitable and in a plain C++20 coroutine, the handler's
// executor, allocator and cancellation slot, and what happens when the
// io_context goes away with waits still pending.
#include <concurrent/futures/future.hpp>

#include "support/co_test.hpp"
#include "support/test_support.hpp"

#include <concurrent/futures/promise.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/experimental/promise.hpp>
#include <boost/asio/experimental/use_promise.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <coroutine>
#include <memory>
#include <optional>
#include <thread>

namespace utf = boost::unit_test;
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

namespace {

using on_io = std::thread::id;

// A coroutine type that is not Asio's: starts at once, never suspends at
// its end, reports through references.
struct eager_task {
  struct promise_type {
    eager_task get_return_object() noexcept { return {}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    void unhandled_exception() noexcept { std::terminate(); }
  };
};

template <class T>
eager_task consume(cf::future<T> f, std::optional<T>& out, std::exception_ptr& error,
                   std::thread::id& resumed_on, test::event& done) {
  try {
    out = co_await f;
  } catch (...) {
    error = std::current_exception();
  }
  resumed_on = std::this_thread::get_id();
  done.set();
}

eager_task consume_move(cf::future<std::unique_ptr<int>> f, int& out, test::event& done) {
  std::unique_ptr<int> p = co_await std::move(f);
  out = *p;
  done.set();
}

// Counts its destruction: tells whether a coroutine frame was destroyed.
struct frame_guard {
  std::atomic<int>* destroyed;
  ~frame_guard() { destroyed->fetch_add(1); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(asio_bridge)

BOOST_AUTO_TEST_CASE(co_await_resumes_on_the_io_context_thread, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  auto const io_thread = std::this_thread::get_id();
  test::co_run([&]() -> awaitable<void> {
    BOOST_TEST((std::this_thread::get_id() == io_thread));
    for (int i = 0; i < 50; ++i) {
      std::thread::id ran_on =
          co_await pool.submit([] { return std::this_thread::get_id(); });
      BOOST_TEST((ran_on != io_thread));
      BOOST_TEST((std::this_thread::get_id() == io_thread));
    }
  }());
}

BOOST_AUTO_TEST_CASE(exception_crosses_to_the_coroutine, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::co_run([&]() -> awaitable<void> {
    BOOST_CHECK_THROW(co_await pool.submit([]() -> int { throw test::os_error(); }),
                      test::os_error);
    cf::future<void> v = pool.submit([] { throw std::out_of_range("late"); });
    BOOST_CHECK_THROW(co_await v, std::out_of_range);
    BOOST_CHECK_THROW(co_await std::move(v), std::out_of_range);
  }());
}

BOOST_AUTO_TEST_CASE(lvalue_await_copies_rvalue_await_moves, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::co_run([&]() -> awaitable<void> {
    auto f = pool.submit([] { return std::string("value"); });
    std::string a = co_await f;
    std::string b = co_await f.async_wait(use_awaitable);
    BOOST_TEST(a == "value");
    BOOST_TEST(b == "value");
    BOOST_TEST(f.result() == "value"); // copies left it in place

    std::unique_ptr<int> p =
        co_await pool.submit([] { return std::make_unique<int>(7); });
    BOOST_TEST(*p == 7);
    auto g = pool.submit([] { return std::make_unique<int>(8); });
    auto q = co_await std::move(g).async_wait(use_awaitable);
    BOOST_TEST(*q == 8);
    BOOST_TEST(!g.valid());
  }());
}

BOOST_AUTO_TEST_CASE(a_done_future_completes_without_suspending, *utf::timeout(60)) {
  cf::promise<int> p;
  p.set_result(5);
  auto f = p.get_future();
  test::co_run([&]() -> awaitable<void> {
    BOOST_TEST(co_await f == 5);
    BOOST_TEST(co_await f == 5);
  }());
}

BOOST_AUTO_TEST_CASE(handler_never_runs_inside_the_initiation, *utf::timeout(60)) {
  asio::io_context ioc;
  cf::promise<int> p;
  p.set_result(1);
  bool called = false;
  p.get_future().async_wait(
      asio::bind_executor(ioc, [&](std::exception_ptr, int) { called = true; }));
  BOOST_TEST(!called);
  ioc.run();
  BOOST_TEST(called);
}

BOOST_AUTO_TEST_CASE(handler_without_executor_runs_off_the_completing_thread,
                     *utf::timeout(60)) {
  // No associated executor: Asio's system executor, as for asio::post(token);
  // never inside set_result on this thread.
  cf::promise<int> p;
  test::event done;
  std::thread::id ran_on;
  int value = 0;
  p.get_future().async_wait([&](std::exception_ptr, int v) {
    value = v;
    ran_on = std::this_thread::get_id();
    done.set();
  });
  p.set_result(11);
  BOOST_TEST_REQUIRE(done.wait());
  BOOST_TEST(value == 11);
  BOOST_TEST((ran_on != std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(works_with_every_standard_token, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  auto f = pool.submit([] { return 42; });
  auto bad = pool.submit([]() -> int { throw test::os_error(); });

  // use_future
  BOOST_TEST(f.async_wait(asio::use_future).get() == 42);
  BOOST_CHECK_THROW(bad.async_wait(asio::use_future).get(), test::os_error);

  asio::io_context ioc;
  // A plain callback bound to the io_context.
  int from_callback = 0;
  f.async_wait(asio::bind_executor(ioc, [&](std::exception_ptr e, int v) {
    BOOST_TEST(!e);
    from_callback = v;
  }));
  // deferred, launched later with a callback.
  int from_deferred = 0;
  auto op = f.async_wait(asio::deferred);
  std::move(op)(
      asio::bind_executor(ioc, [&](std::exception_ptr, int v) { from_deferred = v; }));
  ioc.run();
  ioc.restart();
  BOOST_TEST(from_callback == 42);
  BOOST_TEST(from_deferred == 42);

  test::co_run(ioc, [&]() -> awaitable<void> {
    // use_awaitable, deferred awaited directly, as_tuple, use_promise.
    BOOST_TEST(co_await f.async_wait(use_awaitable) == 42);
    BOOST_TEST(co_await f.async_wait(asio::deferred) == 42);
    auto [e, v] = co_await bad.async_wait(asio::as_tuple(use_awaitable));
    BOOST_TEST(static_cast<bool>(e));
    BOOST_TEST(v == 0);
    // An experimental::promise is not thread-safe: its handler must complete
    // on the awaiting coroutine's executor, so bind it there.
    auto promise = f.async_wait(asio::bind_executor(co_await asio::this_coro::executor,
                                                    asio::experimental::use_promise));
    BOOST_TEST(co_await promise(use_awaitable) == 42);
    // The future is itself an operation: f(token).
    BOOST_TEST(co_await f(use_awaitable) == 42);
  }());
}

BOOST_AUTO_TEST_CASE(plain_cpp20_coroutine_awaits_a_future, *utf::timeout(60)) {
  cf::promise<int> p;
  std::optional<int> out;
  std::exception_ptr error;
  std::thread::id resumed_on;
  test::event done;
  consume(p.get_future(), out, error, resumed_on, done);
  BOOST_TEST(!done.is_set()); // suspended
  std::thread completer([&] { p.set_result(9); });
  std::thread::id const completer_id = completer.get_id();
  BOOST_TEST_REQUIRE(done.wait());
  completer.join();
  BOOST_TEST(out.value() == 9);
  BOOST_TEST((resumed_on == completer_id)); // resumed by the completing thread

  // Already done: no suspension; failures throw at the co_await.
  cf::promise<int> failed;
  failed.set_exception(std::make_exception_ptr(test::os_error()));
  test::event done2;
  std::optional<int> out2;
  consume(failed.get_future(), out2, error, resumed_on, done2);
  BOOST_TEST_REQUIRE(done2.is_set());
  BOOST_CHECK_THROW(std::rethrow_exception(error), test::os_error);

  cf::promise<std::unique_ptr<int>> mp;
  int moved = 0;
  test::event done3;
  consume_move(mp.get_future(), moved, done3);
  mp.set_result(std::make_unique<int>(4));
  BOOST_TEST_REQUIRE(done3.wait());
  BOOST_TEST(moved == 4);
}

BOOST_AUTO_TEST_CASE(op_memory_comes_from_the_associated_allocator, *utf::timeout(60)) {
  asio::io_context ioc;
  test::counting_allocator<int> alloc;
  cf::promise<int> p;
  int got = 0;
  p.get_future().async_wait(asio::bind_allocator(
      alloc, asio::bind_executor(ioc, [&](std::exception_ptr, int v) { got = v; })));
  BOOST_TEST(alloc.c->allocated.load() >= 1);
  p.set_result(3);
  ioc.run();
  BOOST_TEST(got == 3);
  BOOST_TEST(alloc.c->freed.load() == alloc.c->allocated.load());
}

BOOST_AUTO_TEST_CASE(the_wait_keeps_the_io_context_running, *utf::timeout(60)) {
  // Outstanding work: run() returns only once the handler ran, although
  // nothing else is queued while the task runs.
  cf::thread_pool_executor pool{{.max_workers = 1}};
  asio::io_context ioc;
  test::event gate;
  bool resumed = false;
  asio::co_spawn(
      ioc,
      [&]() -> awaitable<void> {
        co_await pool.submit([&] { gate.wait(); });
        resumed = true;
      },
      asio::detached);
  // The gate opens once this thread sleeps in run(): without the tracked
  // work, run() would have returned and `resumed` stay false.
  pid_t const io_tid = gettid();
  std::thread opener([&] {
    test::wait_until_sleeping(io_tid);
    gate.set();
  });
  ioc.run();
  opener.join();
  BOOST_TEST(resumed);
}

BOOST_AUTO_TEST_CASE(cancelling_before_start_cancels_the_task, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event gate;
  pool.submit([&] { gate.wait(); }); // occupies the only worker
  std::atomic<bool> ran{false};
  auto f = pool.submit([&] {
    ran = true;
    return 1;
  });

  asio::io_context ioc;
  test::cancellable c;
  c.spawn(ioc, [&]() -> awaitable<void> { co_await f; });
  ioc.poll(); // suspended on the future
  BOOST_TEST_REQUIRE(!c.finished);
  c.signal.emit(asio::cancellation_type::terminal);
  ioc.run();
  BOOST_TEST_REQUIRE(c.finished);
  BOOST_CHECK_THROW(std::rethrow_exception(c.error), cf::cancelled_error);
  BOOST_TEST(test::mentions(test::cancelled_what(c.error), "cancelled before it ran"));
  BOOST_TEST(f.cancelled());
  gate.set();
  pool.shutdown(true);
  BOOST_TEST(!ran.load());
}

BOOST_AUTO_TEST_CASE(cancelling_after_start_leaves_the_task_running, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event started, gate;
  auto f = pool.submit([&] {
    started.set();
    gate.wait();
    return 7;
  });
  BOOST_TEST_REQUIRE(started.wait());

  asio::io_context ioc;
  test::cancellable c;
  c.spawn(ioc, [&]() -> awaitable<void> { co_await f; });
  ioc.poll();
  c.signal.emit(asio::cancellation_type::terminal);
  ioc.run(); // returns without the task finishing: the wait was abandoned
  BOOST_TEST_REQUIRE(c.finished);
  BOOST_CHECK_THROW(std::rethrow_exception(c.error), cf::cancelled_error);
  // Says what happened: the wait, not the task, was cancelled.
  std::string const what = test::cancelled_what(c.error);
  BOOST_TEST(what.starts_with("the wait was cancelled, not the future"), what);
  BOOST_TEST(test::mentions(what, "left to finish"), what);
  BOOST_TEST(!test::mentions(what, "before it ran"), what);
  BOOST_TEST(f.running());
  BOOST_TEST(!f.cancelled());
  gate.set();
  BOOST_TEST(f.result() == 7);
}

// The same through async_wait and a slot, with the task then returning: the
// wait's error still says the task was left running, not cancelled.
BOOST_AUTO_TEST_CASE(cancelled_async_wait_on_a_running_task_says_it_was_left_running,
                     *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event started, gate;
  auto f = pool.submit([&] {
    started.set();
    gate.wait();
    return 7;
  });
  BOOST_TEST_REQUIRE(started.wait());
  asio::io_context ioc;
  asio::cancellation_signal signal;
  std::exception_ptr error;
  bool called = false;
  f.async_wait(asio::bind_cancellation_slot(
      signal.slot(), asio::bind_executor(ioc, [&](std::exception_ptr e, int) {
        error = e;
        called = true;
      })));
  ioc.poll();
  BOOST_TEST_REQUIRE(!called);
  signal.emit(asio::cancellation_type::partial);
  gate.set();
  BOOST_TEST(f.result() == 7); // the task ran and returned
  ioc.run();
  BOOST_TEST_REQUIRE(called);
  std::string const what = test::cancelled_what(error);
  BOOST_TEST(what.starts_with("the wait was cancelled, not the future"), what);
  BOOST_TEST(test::mentions(what, "its result is dropped"), what);
  BOOST_TEST(!f.cancelled());
}

BOOST_AUTO_TEST_CASE(total_cancellation_of_a_running_task_is_ignored, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event started, gate;
  auto f = pool.submit([&] {
    started.set();
    gate.wait();
    return 7;
  });
  BOOST_TEST_REQUIRE(started.wait());
  asio::io_context ioc;
  test::cancellable c;
  int got = 0;
  c.spawn(ioc, [&]() -> awaitable<void> {
    co_await asio::this_coro::reset_cancellation_state(asio::enable_total_cancellation());
    got = co_await f;
  });
  ioc.poll();
  c.signal.emit(asio::cancellation_type::total);
  ioc.poll();
  BOOST_TEST(!c.finished); // still waiting
  gate.set();
  ioc.run();
  BOOST_TEST(!c.error);
  BOOST_TEST(got == 7);
}

BOOST_AUTO_TEST_CASE(timeout_idiom_with_awaitable_operators, *utf::timeout(60)) {
  using namespace asio::experimental::awaitable_operators;
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event started, gate;
  auto running = pool.submit([&] {
    started.set();
    gate.wait();
    return 1;
  });
  auto queued = pool.submit([] { return 2; });
  BOOST_TEST_REQUIRE(started.wait());
  cf::promise<int> ready_promise;
  ready_promise.set_result(3);
  auto ready = ready_promise.get_future();

  test::co_run([&]() -> awaitable<void> {
    auto ex = co_await asio::this_coro::executor;
    asio::steady_timer t1(ex, 5ms);
    auto r1 =
        co_await (running.async_wait(use_awaitable) || t1.async_wait(use_awaitable));
    BOOST_TEST(r1.index() == 1u); // timed out; the running task goes on
    BOOST_TEST(!running.cancelled());

    asio::steady_timer t2(ex, 5ms);
    auto r2 = co_await (queued.async_wait(use_awaitable) || t2.async_wait(use_awaitable));
    BOOST_TEST(r2.index() == 1u);
    BOOST_TEST(queued.cancelled()); // not started: cancelled with the wait

    asio::steady_timer t3(ex, std::chrono::hours(1));
    auto r3 = co_await (ready.async_wait(use_awaitable) || t3.async_wait(use_awaitable));
    BOOST_TEST_REQUIRE(r3.index() == 0u);
    BOOST_TEST(std::get<0>(r3) == 3);
  }());
  gate.set();
  BOOST_TEST(running.result() == 1);
}

BOOST_AUTO_TEST_CASE(many_coroutines_awaiting_one_future_all_resume, *utf::timeout(60)) {
  asio::io_context ioc;
  cf::promise<int> p;
  auto f = p.get_future();
  int resumed = 0;
  long sum = 0;
  constexpr int n = 1000;
  for (int i = 0; i < n; ++i)
    asio::co_spawn(
        ioc,
        [&]() -> awaitable<void> {
          sum += co_await f;
          ++resumed;
        },
        asio::detached);
  ioc.poll();
  BOOST_TEST(resumed == 0);
  std::thread setter([&] { p.set_result(3); });
  ioc.run();
  setter.join();
  BOOST_TEST(resumed == n);
  BOOST_TEST(sum == 3L * n);
}

BOOST_AUTO_TEST_CASE(destroyed_io_context_unlinks_pending_waits, *utf::timeout(120)) {
  // Five tasks run, five are queued, ten coroutines wait on them; the
  // io_context goes first. Its frames are destroyed, the waits unlinked;
  // the tasks completing afterwards touch nothing freed (ASan checks).
  cf::thread_pool_executor pool{{.max_workers = 5}};
  test::event gate;
  std::atomic<int> destroyed{0}, resumed{0};
  std::vector<cf::future<int>> futures;
  for (int i = 0; i < 10; ++i)
    futures.push_back(pool.submit([&, i] {
      gate.wait();
      return i;
    }));
  {
    asio::io_context ioc;
    for (auto& f : futures)
      asio::co_spawn(
          ioc,
          [&, f]() -> awaitable<void> {
            frame_guard g{&destroyed};
            co_await f;
            resumed.fetch_add(1);
          },
          asio::detached);
    ioc.poll();
    BOOST_TEST(asio::use_service<cf::detail::async_op_service>(ioc).pending() == 10u);
    BOOST_TEST(destroyed.load() == 0);
  }
  BOOST_TEST(destroyed.load() == 10);
  gate.set();
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(futures[static_cast<std::size_t>(i)].result() == i);
  BOOST_TEST(resumed.load() == 0);
}

BOOST_AUTO_TEST_CASE(a_resumption_queued_in_a_destroyed_io_context_is_dropped,
                     *utf::timeout(60)) {
  // The future completes while its coroutine's io_context is not run: the
  // resumption waits in the io_context's queue (posted through the
  // io_context's own executor, see handler_op.hpp), and the io_context goes.
  // The queued resumption is destroyed unrun: the frame goes with it, the
  // coroutine never resumes, nothing leaks (ASan). Also when the coroutine
  // runs on a strand, whose resumption takes Asio's path.
  for (bool strand : {false, true}) {
    std::atomic<int> destroyed{0};
    int resumed = 0;
    {
      asio::io_context ioc;
      cf::promise<int> p;
      auto body = [&, f = p.get_future()]() -> awaitable<void> {
        frame_guard g{&destroyed};
        co_await f;
        ++resumed;
      };
      if (strand)
        asio::co_spawn(asio::make_strand(ioc), body, asio::detached);
      else
        asio::co_spawn(ioc, body, asio::detached);
      ioc.poll();
      BOOST_TEST(asio::use_service<cf::detail::async_op_service>(ioc).pending() == 1u);
      p.set_result(1);
      BOOST_TEST(destroyed.load() == 0);
    }
    BOOST_TEST(destroyed.load() == 1);
    BOOST_TEST(resumed == 0);
  }
}

BOOST_AUTO_TEST_CASE(io_context_destruction_races_completions, *utf::timeout(120)) {
  // Completions land while the io_context is being destroyed, both before
  // and after its service unlinks the waits; run under the sanitizers.
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::atomic<int> started{0}, destroyed{0};
  constexpr int rounds = 300;
  for (int r = 0; r < rounds; ++r) {
    asio::io_context ioc;
    for (int i = 0; i < 4; ++i)
      asio::co_spawn(
          ioc,
          [&, i]() -> awaitable<void> {
            started.fetch_add(1);
            frame_guard g{&destroyed};
            co_await pool.submit([i] { return i; });
          },
          asio::detached);
    ioc.poll_one();
    ioc.poll_one();
  }
  pool.shutdown(true);
  // Every coroutine that started ended, resumed or destroyed.
  BOOST_TEST(started.load() > 0);
  BOOST_TEST(destroyed.load() == started.load());
}

BOOST_AUTO_TEST_CASE(future_void_and_callbacks_mix, *utf::timeout(60)) {
  // An async wait and done callbacks on the same future: each runs once.
  asio::io_context ioc;
  cf::promise<void> p;
  auto f = p.get_future();
  int callbacks = 0, waits = 0;
  f.add_done_callback([&](cf::future<void> const&) { ++callbacks; });
  f.async_wait(asio::bind_executor(ioc, [&](std::exception_ptr e) {
    BOOST_TEST(!e);
    ++waits;
  }));
  f.add_done_callback([&](cf::future<void> const&) { ++callbacks; });
  p.set_result();
  ioc.run();
  BOOST_TEST(callbacks == 2);
  BOOST_TEST(waits == 1);
}

BOOST_AUTO_TEST_CASE(cancelled_future_completes_the_wait_with_cancelled_error,
                     *utf::timeout(60)) {
  asio::io_context ioc;
  cf::promise<int> p;
  auto f = p.get_future();
  std::exception_ptr error;
  f.async_wait(asio::bind_executor(ioc, [&](std::exception_ptr e, int) { error = e; }));
  BOOST_TEST(f.cancel());
  ioc.run();
  BOOST_CHECK_THROW(std::rethrow_exception(error), cf::cancelled_error);
}

BOOST_AUTO_TEST_CASE(cancellation_races_completion, *utf::timeout(120)) {
  // The cancel is emitted while the task may be finishing on a worker: the
  // wait ends exactly once, with the value or with cancelled_error.
  cf::thread_pool_executor pool{{.max_workers = 2}};
  int values = 0, cancels = 0;
  constexpr int rounds = 2000;
  for (int r = 0; r < rounds; ++r) {
    asio::io_context ioc;
    test::cancellable c;
    auto f = pool.submit([r] { return r; });
    c.spawn(ioc, [&, f]() -> awaitable<void> {
      try {
        BOOST_TEST(co_await f == r);
        ++values;
      } catch (cf::cancelled_error const&) {
        ++cancels;
      }
    });
    ioc.poll_one(); // started, waiting (or done)
    c.signal.emit(asio::cancellation_type::terminal);
    ioc.run();
  }
  BOOST_TEST(values + cancels == rounds);
}

BOOST_AUTO_TEST_CASE(coroutine_on_a_pool_resumes_on_that_pool, *utf::timeout(60)) {
  // The associated executor is the coroutine's: here another pool.
  cf::thread_pool_executor home{{.max_workers = 1, .thread_name_prefix = "home"}};
  cf::thread_pool_executor work{{.max_workers = 2, .thread_name_prefix = "work"}};
  std::string before, during, after;
  auto done = asio::co_spawn(
      home.get_executor(),
      [&]() -> awaitable<void> {
        before = test::thread_name();
        during = co_await work.submit([] { return test::thread_name(); });
        after = test::thread_name();
      },
      asio::use_future);
  done.get();
  BOOST_TEST(before == "home_0");
  BOOST_TEST(during.rfind("work_", 0) == 0);
  BOOST_TEST(after == "home_0");
}

BOOST_AUTO_TEST_CASE(multithreaded_io_context_with_strands, *utf::timeout(120)) {
  // Two threads run the io_context; each coroutine is on its own strand and
  // awaits many offloads. Counts only; TSan checks the rest.
  cf::thread_pool_executor pool{{.max_workers = 2}};
  asio::io_context ioc;
  std::atomic<long> sum{0};
  constexpr int coroutines = 50, hops = 40;
  for (int c = 0; c < coroutines; ++c)
    asio::co_spawn(
        asio::make_strand(ioc),
        [&]() -> awaitable<void> {
          for (int i = 0; i < hops; ++i)
            sum.fetch_add(co_await pool.submit([i] { return i; }));
        },
        asio::detached);
  std::thread second([&] { ioc.run(); });
  ioc.run();
  second.join();
  BOOST_TEST(sum.load() == static_cast<long>(coroutines) * hops * (hops - 1) / 2);
}

BOOST_AUTO_TEST_CASE(cancel_after_the_result_leaves_the_future, *utf::timeout(60)) {
  // asyncio's test_wrap_future_cancel2: the future already has its result;
  // cancelling the wait changes nothing in it.
  cf::promise<int> p;
  p.set_result(42);
  auto f = p.get_future();
  asio::io_context ioc;
  asio::cancellation_signal signal;
  std::exception_ptr error;
  int got = 0;
  f.async_wait(asio::bind_cancellation_slot(
      signal.slot(), asio::bind_executor(ioc, [&](std::exception_ptr e, int v) {
        error = e;
        got = v;
      })));
  signal.emit(asio::cancellation_type::terminal);
  ioc.run();
  BOOST_TEST(!error);
  BOOST_TEST(got == 42);
  BOOST_TEST(!f.cancelled());
  BOOST_TEST(f.result() == 42);
}

BOOST_AUTO_TEST_CASE(co_await_of_an_rvalue_leaves_the_value_to_other_handles,
                     *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  std::string const text(1000, 'y');
  auto f = pool.submit([text] { return text; });
  auto copy = f;
  std::string taken;
  test::co_run([&]() -> awaitable<void> { taken = co_await std::move(f); });
  BOOST_TEST(taken == text);
  BOOST_TEST(copy.result() == text);
}

BOOST_AUTO_TEST_SUITE_END()
