//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// thread_pool_executor as an Asio execution context: post, dispatch, defer,
// co_spawn, any_io_executor, work tracking, services, allocators, timers.
#include <concurrent/futures/thread_pool_executor.hpp>

#include "support/test_support.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/defer.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <future>
#include <thread>

namespace utf = boost::unit_test;
namespace asio = boost::asio;
namespace execution = boost::asio::execution;

using pool_executor = cf::thread_pool_executor::executor_type;

static_assert(execution::is_executor<pool_executor>::value);
static_assert(std::is_convertible_v<pool_executor, asio::any_io_executor>);

namespace {

struct pool_fixture {
  cf::thread_pool_executor pool{{.max_workers = 2}};
};

template <class T>
struct counting_allocator {
  using value_type = T;
  std::atomic<int>* count;
  explicit counting_allocator(std::atomic<int>* c) : count(c) {}
  template <class U>
  counting_allocator(counting_allocator<U> const& o) noexcept : count(o.count) {}
  T* allocate(std::size_t n) {
    count->fetch_add(1);
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) { std::allocator<T>().deallocate(p, n); }
  template <class U>
  bool operator==(counting_allocator<U> const& o) const noexcept {
    return count == o.count;
  }
};

struct recording_service : asio::execution_context::service {
  using key_type = recording_service;
  static inline asio::execution_context::id id;
  static inline std::atomic<bool> shut_down{false};
  explicit recording_service(asio::execution_context& ctx)
      : asio::execution_context::service(ctx) {}
  void shutdown() override { shut_down = true; }
};

asio::awaitable<int> answer() {
  co_return 42;
}

asio::awaitable<int> hop_and_report(cf::thread_pool_executor& pool) {
  co_await asio::post(pool.get_executor(), asio::use_awaitable);
  co_return pool.running_in_this_thread() ? 1 : 0;
}

asio::awaitable<int> fails() {
  throw std::runtime_error("coroutine failed");
  co_return 0;
}

} // namespace

BOOST_FIXTURE_TEST_SUITE(asio_executor_tests, pool_fixture)

BOOST_AUTO_TEST_CASE(properties_can_be_required_and_queried) {
  auto ex = pool.get_executor();
  BOOST_TEST((asio::query(ex, execution::blocking) == execution::blocking.possibly));
  auto never = asio::require(ex, execution::blocking.never);
  BOOST_TEST((asio::query(never, execution::blocking) == execution::blocking.never));
  BOOST_TEST((asio::query(ex, execution::outstanding_work) ==
              execution::outstanding_work.untracked));
  auto tracked = asio::require(ex, execution::outstanding_work.tracked);
  BOOST_TEST((asio::query(tracked, execution::outstanding_work) ==
              execution::outstanding_work.tracked));
  BOOST_TEST((asio::query(ex, execution::mapping) == execution::mapping.thread));
  BOOST_TEST(
      (asio::query(asio::require(ex, execution::relationship.continuation),
                   execution::relationship) == execution::relationship.continuation));
  BOOST_TEST(asio::query(ex, execution::occupancy) == 2u);
  BOOST_TEST((&asio::query(ex, execution::context) == &pool));
  BOOST_TEST((ex == pool.get_executor()));
  cf::thread_pool_executor other{{.max_workers = 1}};
  BOOST_TEST((ex != other.get_executor()));
}

BOOST_AUTO_TEST_CASE(post_runs_on_a_pool_thread, *utf::timeout(60)) {
  std::promise<bool> on_pool;
  asio::post(pool, [&] { on_pool.set_value(pool.running_in_this_thread()); });
  BOOST_TEST(on_pool.get_future().get());
}

BOOST_AUTO_TEST_CASE(post_through_the_executor_and_any_io_executor, *utf::timeout(60)) {
  asio::any_io_executor ex = pool.get_executor();
  auto f =
      asio::post(ex, asio::use_future([&] { return pool.running_in_this_thread(); }));
  BOOST_TEST(f.get());
  BOOST_TEST((&asio::query(ex, execution::context) ==
              static_cast<asio::execution_context*>(&pool)));
}

BOOST_AUTO_TEST_CASE(dispatch_runs_inline_on_a_pool_thread, *utf::timeout(60)) {
  // One worker: a posted handler cannot run before this task returns.
  cf::thread_pool_executor single{{.max_workers = 1}};
  auto posted_ran = std::make_shared<std::atomic<bool>>(false);
  auto f = single.submit([&] {
    bool ran = false;
    asio::dispatch(single.get_executor(), [&] { ran = true; });
    bool const inline_run = ran; // already ran, before dispatch returned
    asio::post(single.get_executor(), [posted_ran] { *posted_ran = true; });
    return inline_run && !posted_ran->load();
  });
  BOOST_TEST(f.result());
  single.shutdown();
  BOOST_TEST(posted_ran->load());
}

BOOST_AUTO_TEST_CASE(dispatch_from_outside_queues, *utf::timeout(60)) {
  std::promise<std::thread::id> where;
  asio::dispatch(pool.get_executor(),
                 [&] { where.set_value(std::this_thread::get_id()); });
  BOOST_TEST((where.get_future().get() != std::this_thread::get_id()));
  std::promise<void> deferred;
  asio::defer(pool.get_executor(), [&] { deferred.set_value(); });
  deferred.get_future().get();
}

BOOST_AUTO_TEST_CASE(co_spawn_on_the_pool, *utf::timeout(60)) {
  auto f = asio::co_spawn(pool.get_executor(), answer(), asio::use_future);
  BOOST_TEST(f.get() == 42);
  auto g = asio::co_spawn(pool.get_executor(), hop_and_report(pool), asio::use_future);
  BOOST_TEST(g.get() == 1);
  auto h = asio::co_spawn(pool.get_executor(), fails(), asio::use_future);
  BOOST_CHECK_THROW(h.get(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(tracked_work_keeps_shutdown_waiting, *utf::timeout(60)) {
  auto guard = asio::make_work_guard(pool.get_executor());
  std::atomic<bool> shutdown_returned{false};
  std::promise<pid_t> stopper_tid;
  std::thread stopper([&] {
    stopper_tid.set_value(::gettid());
    pool.shutdown(true);
    shutdown_returned = true;
  });
  // Posts once the stopper sleeps in shutdown(): while work is outstanding
  // the workers stay, so the handler still runs, and shutdown cannot have
  // returned yet.
  test::wait_until_sleeping(stopper_tid.get_future().get());
  std::promise<bool> seen;
  asio::post(pool.get_executor(), [&] {
    seen.set_value(shutdown_returned.load());
    guard.reset();
  });
  BOOST_TEST(seen.get_future().get() == false);
  stopper.join();
  BOOST_TEST(shutdown_returned.load());
}

BOOST_AUTO_TEST_CASE(handler_memory_comes_from_the_associated_allocator,
                     *utf::timeout(60)) {
  std::atomic<int> allocations{0};
  std::promise<void> done;
  asio::post(pool, asio::bind_allocator(counting_allocator<int>(&allocations),
                                        [&] { done.set_value(); }));
  done.get_future().get();
  BOOST_TEST(allocations.load() >= 1);
}

BOOST_AUTO_TEST_CASE(services_are_shut_down_with_the_pool, *utf::timeout(60)) {
  recording_service::shut_down = false;
  {
    cf::thread_pool_executor local{{.max_workers = 1}};
    asio::use_service<recording_service>(local);
  }
  BOOST_TEST(recording_service::shut_down.load());
}

BOOST_AUTO_TEST_CASE(timers_complete_on_the_pool, *utf::timeout(60)) {
  asio::steady_timer timer(pool.get_executor(), 10ms);
  std::promise<bool> fired;
  timer.async_wait([&](boost::system::error_code ec) {
    fired.set_value(!ec && pool.running_in_this_thread());
  });
  BOOST_TEST(fired.get_future().get());
}

BOOST_AUTO_TEST_CASE(a_handler_posted_after_the_workers_left_is_destroyed_unrun,
                     *utf::timeout(60)) {
  auto watched = std::make_shared<int>(0);
  std::weak_ptr<int> watch = watched;
  std::atomic<bool> ran{false};
  {
    cf::thread_pool_executor local{{.max_workers = 1}};
    local.submit([] {}).result();
    local.shutdown(true);
    asio::post(local, [&ran, w = std::move(watched)] { ran = true; });
  }
  BOOST_TEST(!ran.load());
  BOOST_TEST(watch.expired());
}

BOOST_AUTO_TEST_CASE(many_coroutines_on_the_pool, *utf::timeout(120)) {
  std::atomic<int> finished{0};
  std::vector<std::future<void>> fs;
  for (int i = 0; i < 200; ++i)
    fs.push_back(asio::co_spawn(
        pool.get_executor(),
        [&]() -> asio::awaitable<void> {
          for (int hop = 0; hop < 10; ++hop)
            co_await asio::post(pool.get_executor(), asio::use_awaitable);
          finished.fetch_add(1);
        },
        asio::use_future));
  for (auto& f : fs)
    f.get();
  BOOST_TEST(finished.load() == 200);
}

BOOST_AUTO_TEST_SUITE_END()
