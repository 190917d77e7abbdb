//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Dependent tasks: `submit(cf::after(parents...), fn)`, which Python's module
// does not have. What runs, what it receives, what a failed or cancelled
// parent does to it, how a cancel() cascades, and how shutdown treats tasks
// still waiting for their parents.
#include <concurrent/futures/after.hpp>

#include <concurrent/futures/process_pool_executor.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include "support/co_test.hpp"
#include "support/test_support.hpp"

#include <concurrent/futures/as_completed.hpp>
#include <concurrent/futures/promise.hpp>
#include <concurrent/futures/wait.hpp>

#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace utf = boost::unit_test;
namespace asio = boost::asio;

namespace {

/// A thread pool whose only worker is held until `release()`, so that what
/// is submitted after it stays queued (pending, cancellable).
struct held_pool {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  test::blocker hold{pool};
  void release() { hold.release(); }
};

int twice(int x) {
  return 2 * x;
}
int add(int a, int b) {
  return a + b;
}

} // namespace

BOOST_AUTO_TEST_SUITE(after_tests)

BOOST_AUTO_TEST_CASE(a_dependent_receives_its_parents_values_in_order,
                     *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  auto a = pool.submit([] { return 20; });
  auto b = pool.submit([] { return std::string("x"); });
  auto c = pool.submit(
      cf::after(a, b),
      [](int const& n, std::string const& s, char extra) {
        return s + std::to_string(n) + extra;
      },
      '!');
  BOOST_TEST(c.result(30s) == "x20!");
  // The one-parent case is a continuation.
  auto d = pool.submit(cf::after(a), twice);
  BOOST_TEST(d.result(30s) == 40);
}

BOOST_AUTO_TEST_CASE(then_is_the_one_parent_case, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  auto n = pool.submit([] { return std::string("abc"); })
               .then(pool, [](std::string const& s) { return s.size(); })
               .then(
                   pool, [](std::size_t k, int extra) { return int(k) + extra; }, 10);
  BOOST_TEST(n.result(30s) == 13);
}

BOOST_AUTO_TEST_CASE(void_parents_pass_nothing, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::atomic<int> side{0};
  auto a = pool.submit([&] { side = 1; });
  auto b = pool.submit([] { return 5; });
  auto c = pool.submit(cf::after(a, b), [&](int v) { return side.load() + v; });
  BOOST_TEST(c.result(30s) == 6);
}

BOOST_AUTO_TEST_CASE(a_list_of_parents_passes_one_vector, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::vector<cf::future<int>> parts;
  for (int i = 1; i <= 10; ++i)
    parts.push_back(pool.submit([i] { return i * i; }));
  auto total = pool.submit(cf::after(parts), [](std::vector<int> const& v) {
    return std::accumulate(v.begin(), v.end(), 0);
  });
  BOOST_TEST(total.result(30s) == 385);

  // any_future parents pass nothing: only the order matters.
  std::vector<cf::any_future> any(parts.begin(), parts.end());
  auto done = pool.submit(cf::after(any), [] { return 1; });
  BOOST_TEST(done.result(30s) == 1);

  // An empty list: nothing to wait for.
  auto now = pool.submit(cf::after(std::vector<cf::future<int>>{}),
                         [](std::vector<int> const& v) { return v.size(); });
  BOOST_TEST(now.result(30s) == 0u);
}

BOOST_AUTO_TEST_CASE(parents_from_different_executors_and_promises, *utf::timeout(120)) {
  cf::thread_pool_executor threads{{.max_workers = 2}};
  cf::process_pool_executor procs{{.max_workers = 1}};
  cf::promise<int> p;
  auto from_threads = threads.submit([] { return 3; });
  auto from_procs = procs.submit(twice, 5);
  // Runs in a worker process: the thread pool's and the promise's values
  // travel with the call.
  auto in_procs = procs.submit(cf::after(from_threads, p.get_future()), add);
  auto in_threads = threads.submit(cf::after(from_procs, in_procs), add);
  BOOST_TEST(!in_threads.done()); // the promise is not set yet
  p.set_result(100);
  BOOST_TEST(in_threads.result(60s) == 10 + 103);
}

BOOST_AUTO_TEST_CASE(a_failed_parent_fails_the_dependent_with_its_exception,
                     *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::atomic<int> ran{0};
  auto ok = pool.submit([] { return 1; });
  auto bad =
      pool.submit([]() -> int { throw std::out_of_range("index 7 past the end"); });
  auto child = pool.submit(cf::after(ok, bad), [&](int, int) { return ++ran; });
  auto grandchild = pool.submit(cf::after(child), [&](int) { return ++ran; });
  BOOST_CHECK_EXCEPTION(grandchild.result(30s), std::out_of_range, [](auto const& e) {
    return std::string(e.what()) == "index 7 past the end";
  });
  BOOST_CHECK_THROW(child.result(), std::out_of_range);
  BOOST_TEST(ran == 0);
  BOOST_TEST(!child.cancelled());
  // A dependent's own exception reaches its future as any task's does.
  auto throws =
      pool.submit(cf::after(ok), [](int) -> int { throw std::logic_error("mine"); });
  BOOST_CHECK_THROW(throws.result(30s), std::logic_error);
}

BOOST_AUTO_TEST_CASE(parents_already_done_when_submitted, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 1}};
  BOOST_TEST(pool.submit(cf::after(test::successful_future(4)), twice).result(30s) == 8);
  auto after_error = pool.submit(cf::after(test::exception_future()), twice);
  BOOST_CHECK_THROW(after_error.result(30s), test::os_error);
  auto after_cancel = pool.submit(cf::after(test::cancelled_future()), twice);
  BOOST_TEST(after_cancel.cancelled());
  BOOST_TEST(cf::wait({after_cancel}, {.timeout = 0s}).done.size() == 1u); // notified too
}

BOOST_AUTO_TEST_CASE(cancelling_a_parent_cascades_down_without_running_anything,
                     *utf::timeout(60)) {
  held_pool held;
  cf::thread_pool_executor other{{.max_workers = 2}};
  std::atomic<int> ran{0};
  auto a = held.pool.submit([&] { return ++ran; });
  auto b = held.pool.submit(cf::after(a), [&](int) { return ++ran; });
  auto c = other.submit(cf::after(b), [&](int) { return ++ran; });
  auto d = other.submit(cf::after(c), [&](int) { return ++ran; });
  BOOST_TEST(!d.done());

  BOOST_TEST(a.cancel());
  // All at once, before the held worker is released.
  for (auto const& f : {a, b, c, d})
    BOOST_TEST(f.cancelled());
  // The dependents never reach a queue, so they are notified at once; `a`
  // is, as in Python, when its worker takes it.
  BOOST_TEST(cf::wait({b, c, d}, {.timeout = 0s}).done.size() == 3u);
  held.release();
  BOOST_TEST(cf::wait({a}, {.timeout = 30s}).done.size() == 1u);
  held.pool.shutdown();
  other.shutdown();
  BOOST_TEST(ran == 0);
}

BOOST_AUTO_TEST_CASE(a_diamond_runs_once_and_cancels_once, *utf::timeout(60)) {
  {
    cf::thread_pool_executor pool{{.max_workers = 2}};
    std::atomic<int> bottom_runs{0};
    auto top = pool.submit([] { return 1; });
    auto left = pool.submit(cf::after(top), [](int x) { return x + 10; });
    auto right = pool.submit(cf::after(top), [](int x) { return x + 100; });
    auto bottom = pool.submit(cf::after(left, right), [&](int l, int r) {
      ++bottom_runs;
      return l + r;
    });
    BOOST_TEST(bottom.result(30s) == 112);
    BOOST_TEST(bottom_runs == 1);
  }
  {
    held_pool held;
    int callbacks = 0;
    auto top = held.pool.submit([] { return 1; });
    auto left = held.pool.submit(cf::after(top), twice);
    auto right = held.pool.submit(cf::after(top), twice);
    auto bottom = held.pool.submit(cf::after(left, right), add);
    bottom.add_done_callback([&](cf::future<int> const&) { ++callbacks; });
    BOOST_TEST(top.cancel());
    BOOST_TEST(left.cancelled());
    BOOST_TEST(right.cancelled());
    BOOST_TEST(bottom.cancelled());
    BOOST_TEST(callbacks == 1);
  }
}

BOOST_AUTO_TEST_CASE(cancelling_a_waiting_dependent_cascades_and_spares_the_parent,
                     *utf::timeout(60)) {
  held_pool held;
  std::atomic<int> ran{0};
  auto parent = held.pool.submit([&] { return ++ran; });
  auto child = held.pool.submit(cf::after(parent), [&](int) { return ++ran; });
  auto grandchild = held.pool.submit(cf::after(child), [&](int) { return ++ran; });
  BOOST_TEST(child.cancel());
  BOOST_TEST(grandchild.cancelled());
  BOOST_TEST(cf::wait({child, grandchild}, {.timeout = 0s}).done.size() == 2u);
  BOOST_TEST(!parent.done());
  held.release();
  BOOST_TEST(parent.result(30s) == 1);
  held.pool.shutdown();
  BOOST_TEST(ran == 1);
}

BOOST_AUTO_TEST_CASE(a_cancel_that_fails_on_a_running_parent_cancels_nothing_below,
                     *utf::timeout(60)) {
  held_pool held;
  // The held task is the parent: it runs, so it cannot be cancelled.
  auto child = held.pool.submit(cf::after(held.hold.task()), [] { return 7; });
  BOOST_TEST(!held.hold.task().cancel());
  BOOST_TEST(!child.cancelled());
  held.release();
  BOOST_TEST(child.result(30s) == 7);
}

BOOST_AUTO_TEST_CASE(a_dependent_keeps_its_priority_when_queued, *utf::timeout(60)) {
  held_pool held;
  test::start_log log;
  auto record = [&log](std::string tag) { log.add(std::move(tag)); };
  cf::promise<void> parent;
  auto urgent =
      held.pool.submit(cf::after(parent.get_future()), cf::priority{5}, record, "urgent");
  auto plain = held.pool.submit(record, "plain");
  parent.set_result(); // queues `urgent` behind `plain`, but ahead of it
  held.release();
  urgent.result(30s);
  plain.result(30s);
  BOOST_TEST(log.tags() == (std::vector<std::string>{"urgent", "plain"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_coroutine_awaits_a_dependent, *utf::timeout(60)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  asio::io_context ioc;
  int got = 0;
  test::co_run(ioc, [&]() -> asio::awaitable<void> {
    auto a = pool.submit([] { return 21; });
    got = co_await pool.submit(cf::after(a), twice);
  }());
  BOOST_TEST(got == 42);
}

BOOST_AUTO_TEST_CASE(shutdown_waits_for_dependents_of_another_executors_work,
                     *utf::timeout(60)) {
  cf::promise<int> p;
  std::atomic<int> seen{0};
  cf::thread_pool_executor pool{{.max_workers = 1}};
  auto f = pool.submit(cf::after(p.get_future()), [&](int v) { seen = v; });
  // Completes the parent only once shutdown() has begun, which it shows by
  // refusing new dependents (a probe accepted before is cancelled at once,
  // so that shutdown does not wait for it).
  std::thread later([&] {
    cf::promise<int> never;
    for (;;) {
      try {
        pool.submit(cf::after(never.get_future()), twice).cancel();
      } catch (std::runtime_error const&) {
        break;
      }
      std::this_thread::yield();
    }
    p.set_result(9);
  });
  pool.shutdown(); // returns once the dependent has run
  BOOST_TEST(seen == 9);
  BOOST_TEST(f.done());
  later.join();
}

BOOST_AUTO_TEST_CASE(shutdown_cancel_futures_cancels_waiting_dependents,
                     *utf::timeout(60)) {
  cf::promise<int> p;
  cf::thread_pool_executor pool{{.max_workers = 1}};
  auto waiting = pool.submit(cf::after(p.get_future()), twice);
  auto below = pool.submit(cf::after(waiting), twice);
  pool.shutdown(true, true);
  BOOST_TEST(waiting.cancelled());
  BOOST_TEST(below.cancelled());
  p.set_result(1); // too late: nothing runs
  BOOST_CHECK_THROW(pool.submit(cf::after(p.get_future()), twice), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(shutdown_without_wait_fails_dependents_released_later,
                     *utf::timeout(60)) {
  cf::promise<int> p;
  cf::thread_pool_executor pool{{.max_workers = 1}};
  auto waiting = pool.submit(cf::after(p.get_future()), twice);
  pool.shutdown(false);
  p.set_result(1);
  BOOST_CHECK_EXCEPTION(waiting.result(30s), std::runtime_error, [](auto const& e) {
    return std::string(e.what()).find("shut down before this task's dependencies") !=
           std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(bad_arguments_are_refused, *utf::timeout(60)) {
  BOOST_CHECK_THROW(cf::after(cf::future<int>{}), std::invalid_argument);
  BOOST_CHECK_THROW(cf::after(std::vector<cf::future<int>>(2)), std::invalid_argument);
  // Through the base, a process pool refuses a call that cannot cross.
  cf::process_pool_executor procs{{.max_workers = 1}};
  cf::executor& base = procs;
  int local = 1;
  BOOST_CHECK_THROW(base.submit(cf::after(test::successful_future()),
                                [&local](int x) { return x + local; }),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_deep_chain_cancels_from_its_root, *utf::timeout(120)) {
  held_pool held;
  cf::thread_pool_executor other{{.max_workers = 1}};
  auto root = held.pool.submit([] { return 0; });
  std::vector<cf::future<int>> chain{root};
  for (int i = 0; i < 1000; ++i)
    chain.push_back((i % 2 ? held.pool : other).submit(cf::after(chain.back()), twice));
  BOOST_TEST(root.cancel());
  for (auto const& f : chain)
    BOOST_TEST_REQUIRE(f.cancelled());
}

// Random graphs on two pools with random cancels, from four threads. Every
// dependent must end consistent with its parents: a value exactly when all
// of them had one (and then the right value), an exception only if one of
// them failed, cancelled otherwise; nothing left pending.
BOOST_AUTO_TEST_CASE(random_graphs_settle_consistently, *utf::timeout(240)) {
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
  constexpr int per_thread = 1500;
#else
  constexpr int per_thread = 15000;
#endif
  cf::thread_pool_executor a{{.max_workers = 2}};
  cf::thread_pool_executor b{{.max_workers = 2}};
  struct node {
    cf::future<long> f;
    std::vector<int> parents;
  };
  std::vector<std::vector<node>> graphs(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(1234 + t);
      auto& g = graphs[t];
      g.reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) {
        auto& pool = rng() % 2 ? a : b;
        node n;
        if (i < 8 || rng() % 4 == 0) {
          int const v = i;
          bool const fails = rng() % 50 == 0;
          n.f = pool.submit([v, fails]() -> long {
            if (fails)
              throw std::runtime_error("leaf failed");
            return v;
          });
        } else {
          int const k = 1 + rng() % 3;
          std::vector<cf::future<long>> ps;
          for (int j = 0; j < k; ++j) {
            int const p = i - 1 - static_cast<int>(rng() % std::min(i, 50));
            n.parents.push_back(p);
            ps.push_back(g[p].f);
          }
          n.f = pool.submit(cf::after(ps), [](std::vector<long> const& v) {
            return std::accumulate(v.begin(), v.end(), 1L);
          });
        }
        g.push_back(std::move(n));
        if (rng() % 20 == 0)
          g[i - rng() % std::min(i + 1, 20)].f.cancel();
      }
    });
  }
  for (auto& th : threads)
    th.join();
  a.shutdown();
  b.shutdown();
  long values = 0, failures = 0, cancels = 0;
  for (auto const& g : graphs) {
    for (auto const& n : g) {
      BOOST_TEST_REQUIRE(n.f.done());
      if (n.f.cancelled()) {
        ++cancels;
        continue;
      }
      bool parent_failed = false, parent_cancelled = false;
      long sum = 1;
      for (int p : n.parents) {
        auto const& pf = g[p].f;
        if (pf.cancelled())
          parent_cancelled = true;
        else if (pf.exception())
          parent_failed = true;
        else
          sum += pf.result();
      }
      if (n.f.exception()) {
        ++failures;
        if (!n.parents.empty())
          BOOST_TEST_REQUIRE(parent_failed);
      } else {
        ++values;
        BOOST_TEST_REQUIRE(!parent_failed);
        BOOST_TEST_REQUIRE(!parent_cancelled);
        if (!n.parents.empty())
          BOOST_TEST_REQUIRE(n.f.result() == sum);
      }
    }
  }
  BOOST_TEST_MESSAGE("values " << values << ", failures " << failures << ", cancelled "
                               << cancels);
  BOOST_TEST(values > 0);
  BOOST_TEST(failures > 0);
  BOOST_TEST(cancels > 0);
}

BOOST_AUTO_TEST_SUITE_END()
