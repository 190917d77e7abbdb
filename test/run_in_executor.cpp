//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// run_in_executor, async_run_in_executor, to_thread and the default
// executor of an execution context (asyncio's loop.run_in_executor,
// asyncio.to_thread, set_default_executor, shutdown_default_executor).
#include <concurrent/futures/run_in_executor.hpp>

#include "support/co_test.hpp"
#include "support/test_support.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <latch>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace utf = boost::unit_test;
namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;

BOOST_AUTO_TEST_SUITE(run_in_executor)

BOOST_AUTO_TEST_CASE(offloads_and_resumes_on_the_caller, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2, .thread_name_prefix = "offload"}};
  auto const io_thread = std::this_thread::get_id();
  test::co_run([&]() -> awaitable<void> {
    std::string where =
        co_await cf::run_in_executor(pool, [] { return test::thread_name(); });
    BOOST_TEST(where.rfind("offload_", 0) == 0);
    BOOST_TEST((std::this_thread::get_id() == io_thread));
    int product = co_await cf::run_in_executor(
        pool, [](int a, int b) { return a * b; }, 6, 7);
    BOOST_TEST(product == 42);
  }());
}

BOOST_AUTO_TEST_CASE(throwing_function_reaches_the_coroutine, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::co_run([&]() -> awaitable<void> {
    BOOST_CHECK_THROW(co_await cf::run_in_executor(pool, [] { throw test::os_error(); }),
                      test::os_error);
    try {
      co_await cf::run_in_executor(pool,
                                   []() -> int { throw std::invalid_argument("x"); });
      BOOST_FAIL("no exception");
    } catch (std::invalid_argument const& e) {
      BOOST_TEST(std::string(e.what()) == "x");
    }
  }());
}

BOOST_AUTO_TEST_CASE(move_only_arguments_and_results, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::co_run([&]() -> awaitable<void> {
    auto p = co_await cf::run_in_executor(
        pool, [](std::unique_ptr<int> q) { return std::make_unique<int>(*q + 1); },
        std::make_unique<int>(1));
    BOOST_TEST(*p == 2);
    // Named first: g++ 12 destroys a lambda with init-captures twice when
    // it is a temporary inside a co_await expression (plain Asio shows it
    // too; clang does not).
    auto give = [q = std::make_unique<int>(5)]() mutable { return std::move(q); };
    auto r = co_await cf::async_run_in_executor(pool, std::move(give), use_awaitable);
    BOOST_TEST(*r == 5);
  }());
}

BOOST_AUTO_TEST_CASE(calls_are_submitted_before_they_are_awaited, *utf::timeout(60)) {
  // Python's run_in_executor is not a coroutine: two started in a row run
  // together. Each waits for the other, so run one after the other they
  // would hang (and the test time out).
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::latch both(2);
  auto meet = [&] {
    both.arrive_and_wait();
    return 1;
  };
  test::co_run([&]() -> awaitable<void> {
    auto a = cf::run_in_executor(pool, meet);
    auto b = cf::run_in_executor(pool, meet);
    int total = co_await std::move(a) + co_await std::move(b);
    BOOST_TEST(total == 2);
  }());
}

BOOST_AUTO_TEST_CASE(token_form_with_several_tokens, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  BOOST_TEST(cf::async_run_in_executor(
                 pool, [] { return 3; }, asio::use_future)
                 .get() == 3);

  asio::io_context ioc;
  int got = 0;
  std::thread::id ran_on;
  cf::async_run_in_executor(
      pool, [] { return 4; }, asio::bind_executor(ioc, [&](std::exception_ptr e, int v) {
        BOOST_TEST(!e);
        got = v;
        ran_on = std::this_thread::get_id();
      }));
  ioc.run();
  ioc.restart();
  BOOST_TEST(got == 4);
  BOOST_TEST((ran_on == std::this_thread::get_id()));

  test::co_run(ioc, [&]() -> awaitable<void> {
    BOOST_TEST(co_await cf::async_run_in_executor(
                   pool, [] { return 5; }, asio::deferred) == 5);
    co_await cf::async_run_in_executor(
        pool, [] {}, use_awaitable);
  }());
}

BOOST_AUTO_TEST_CASE(lazy_token_submits_when_launched, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  std::atomic<int> calls{0};
  auto op = cf::async_run_in_executor(
      pool, [&] { return calls.fetch_add(1) + 1; }, asio::deferred);
  pool.shutdown(true); // nothing was submitted yet
  BOOST_TEST(calls.load() == 0);
  // Launching on a shut-down pool throws from the initiation, as submit does.
  BOOST_CHECK_THROW(std::move(op)(asio::detached), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(errors_from_submit_propagate_synchronously, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  pool.shutdown(true);
  BOOST_CHECK_THROW(cf::run_in_executor(pool, [] { return 1; }), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(cancelling_the_coroutine_cancels_a_queued_call, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event gate;
  pool.submit([&] { gate.wait(); });
  std::atomic<bool> ran{false};
  asio::io_context ioc;
  asio::cancellation_signal signal;
  std::exception_ptr error;
  asio::co_spawn(
      ioc,
      [&]() -> awaitable<void> {
        co_await cf::async_run_in_executor(
            pool, [&] { ran = true; }, use_awaitable);
      },
      asio::bind_cancellation_slot(signal.slot(),
                                   [&](std::exception_ptr e) { error = e; }));
  ioc.poll();
  signal.emit(asio::cancellation_type::terminal);
  ioc.run();
  BOOST_CHECK_THROW(std::rethrow_exception(error), cf::cancelled_error);
  BOOST_TEST(test::mentions(test::cancelled_what(error), "cancelled before it ran"));
  gate.set();
  pool.shutdown(true);
  BOOST_TEST(!ran.load());
}

BOOST_AUTO_TEST_CASE(cancelling_the_coroutine_leaves_a_running_call, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::event started, gate;
  std::atomic<bool> ran{false};
  asio::io_context ioc;
  asio::cancellation_signal signal;
  std::exception_ptr error;
  bool finished = false;
  asio::co_spawn(
      ioc,
      [&]() -> awaitable<void> {
        co_await cf::async_run_in_executor(
            pool,
            [&] {
              started.set();
              gate.wait();
              ran = true;
            },
            use_awaitable);
      },
      asio::bind_cancellation_slot(signal.slot(), [&](std::exception_ptr e) {
        error = e;
        finished = true;
      }));
  ioc.poll();
  BOOST_TEST_REQUIRE(started.wait());
  signal.emit(asio::cancellation_type::terminal);
  ioc.run(); // returns while the call still runs
  BOOST_TEST_REQUIRE(finished);
  std::string const what = test::cancelled_what(error);
  BOOST_TEST(what.starts_with("the wait was cancelled, not the future"), what);
  BOOST_TEST(test::mentions(what, "left to finish"), what);
  gate.set();
  pool.shutdown(true);
  BOOST_TEST(ran.load());
}

BOOST_AUTO_TEST_CASE(to_thread_uses_the_contexts_default_executor, *utf::timeout(60)) {
  asio::io_context ioc;
  test::co_run(ioc, [&]() -> awaitable<void> {
    std::string name = co_await cf::to_thread([] { return test::thread_name(); });
    BOOST_TEST(name.rfind("cf_default_", 0) == 0);
    int sum = co_await cf::to_thread([](int a, int b) { return a + b; }, 2, 3);
    BOOST_TEST(sum == 5);
    co_await cf::run_in_executor([] {}); // without an executor: the same
    BOOST_CHECK_THROW(co_await cf::to_thread([] { throw test::os_error(); }),
                      test::os_error);
  }());
  // One default executor per context, created once.
  BOOST_TEST(&cf::default_executor(ioc) == &cf::default_executor(ioc));
  asio::io_context other;
  BOOST_TEST(&cf::default_executor(other) != &cf::default_executor(ioc));
}

BOOST_AUTO_TEST_CASE(to_thread_is_lazy_like_a_coroutine, *utf::timeout(60)) {
  asio::io_context ioc;
  std::atomic<int> calls{0};
  auto a = cf::to_thread([&] { calls.fetch_add(1); });
  BOOST_TEST(calls.load() == 0);
  test::co_run(ioc, std::move(a));
  BOOST_TEST(calls.load() == 1);
}

BOOST_AUTO_TEST_CASE(set_default_executor_replaces_it, *utf::timeout(60)) {
  asio::io_context ioc;
  auto mine = std::make_shared<cf::thread_pool_executor>(
      cf::thread_pool_options{.max_workers = 1, .thread_name_prefix = "mine"});
  cf::set_default_executor(ioc, mine);
  BOOST_TEST(&cf::default_executor(ioc) == mine.get());
  test::co_run(ioc, [&]() -> awaitable<void> {
    std::string name = co_await cf::to_thread([] { return test::thread_name(); });
    BOOST_TEST(name == "mine_0");
  }());
  BOOST_CHECK_THROW(cf::set_default_executor(ioc, nullptr), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(shutdown_default_executor_then_to_thread_throws, *utf::timeout(60)) {
  asio::io_context ioc;
  std::atomic<bool> finished{false};
  cf::default_executor(ioc).submit([&] { finished = true; });
  cf::shutdown_default_executor(ioc);
  BOOST_TEST(finished.load()); // it waited
  try {
    test::co_run(ioc, cf::to_thread([] {}));
    BOOST_FAIL("no exception");
  } catch (std::runtime_error const& e) {
    BOOST_TEST(std::string(e.what()).find("Executor shutdown has been called") == 0u);
  }
}

BOOST_AUTO_TEST_CASE(destroying_the_context_waits_for_default_executor_tasks,
                     *utf::timeout(60)) {
  std::atomic<bool> finished{false};
  test::event started, gate;
  std::optional<test::when_asleep> opener; // outlives the io_context
  {
    asio::io_context ioc;
    cf::default_executor(ioc).submit([&] {
      started.set();
      gate.wait();
      finished = true;
    });
    BOOST_TEST_REQUIRE(started.wait());
    // The task can finish only once this thread sleeps in the destructor.
    opener.emplace([&] { gate.set(); });
  } // shuts down the default executor, waiting, as asyncio.run() does
  BOOST_TEST(finished.load());
}

BOOST_AUTO_TEST_CASE(pending_offloads_survive_the_io_context, *utf::timeout(60)) {
  // The io_context goes while to_thread calls still run: their coroutine
  // frames are destroyed, the calls finish in the default executor's
  // shutdown, and nothing touches freed memory (ASan).
  std::atomic<int> done{0};
  test::event gate;
  std::optional<test::when_asleep> opener; // outlives the io_context
  {
    asio::io_context ioc;
    for (int i = 0; i < 3; ++i)
      asio::co_spawn(
          ioc,
          [&]() -> awaitable<void> {
            co_await cf::to_thread([&] {
              gate.wait();
              done.fetch_add(1);
            });
          },
          asio::detached);
    ioc.poll();
    // The calls can finish only once this thread sleeps in the destructor.
    opener.emplace([&] { gate.set(); });
  }
  BOOST_TEST(done.load() == 3);
}

BOOST_AUTO_TEST_CASE(contexts_made_one_after_another_each_get_their_own_service,
                     *utf::timeout(60)) {
  // The op's service is cached per thread: an io_context destroyed and the
  // next one made at the same address must not reach the old service (it
  // would link into freed memory, which the sanitizer runs see).
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::optional<asio::io_context> io;
  void const* first = nullptr;
  int same_address = 0;
  for (int round = 0; round < 50; ++round) {
    io.emplace();
    if (round == 0)
      first = &*io;
    same_address += &*io == first;
    int got = 0;
    asio::co_spawn(
        *io,
        [&]() -> awaitable<void> {
          for (int i = 0; i < 10; ++i)
            got += co_await cf::run_in_executor(pool, [i] { return i; });
        },
        asio::detached);
    io->run();
    BOOST_TEST_REQUIRE(got == 45);
    BOOST_TEST(asio::use_service<cf::detail::async_op_service>(*io).pending() == 0u);
    io.reset();
  }
  BOOST_TEST(same_address == 50); // the case this is about did happen
}

BOOST_AUTO_TEST_SUITE_END()
