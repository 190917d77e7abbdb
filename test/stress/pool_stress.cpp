//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// Races, with counts: many submitters, shutdown racing submit, cancel racing
// start, callbacks racing completion, pools created and destroyed in a loop.
// Every case checks that nothing is lost and nothing runs twice; the
// sanitizer runs check that nothing races.
#include <concurrent/futures/thread_pool_executor.hpp>

#include "support/test_support.hpp"

#include <concurrent/futures/as_completed.hpp>
#include <concurrent/futures/wait.hpp>

#include <atomic>
#include <thread>

namespace utf = boost::unit_test;

BOOST_AUTO_TEST_SUITE(pool_stress)

BOOST_AUTO_TEST_CASE(many_submitters_lose_nothing, *utf::timeout(240)) {
  constexpr int producers = 4;
  constexpr int per_producer = 20000;
  cf::thread_pool_executor pool{{.max_workers = 4}};
  std::atomic<long> ran{0};
  std::vector<std::vector<cf::future<long>>> futures(producers);
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      futures[p].reserve(per_producer);
      for (int i = 0; i < per_producer; ++i)
        futures[p].push_back(pool.submit([&ran, i] {
          ran.fetch_add(1, std::memory_order_relaxed);
          return static_cast<long>(i);
        }));
    });
  for (auto& t : threads)
    t.join();
  long sum = 0;
  for (auto& fs : futures)
    for (auto& f : fs)
      sum += f.result();
  BOOST_TEST(ran.load() == static_cast<long>(producers) * per_producer);
  BOOST_TEST(sum == static_cast<long>(producers) * per_producer * (per_producer - 1) / 2);
}

BOOST_AUTO_TEST_CASE(shutdown_racing_submit_loses_no_future, *utf::timeout(240)) {
  for (int round = 0; round < 50; ++round) {
    bool const cancel = round % 2 == 1;
    cf::thread_pool_executor pool{{.max_workers = 3}};
    std::atomic<int> refused{0};
    std::atomic<int> wrong_errors{0};
    std::atomic<int> ran{0};
    std::vector<std::vector<cf::future<int>>> accepted(3);
    std::atomic<bool> go{false};
    std::vector<std::thread> producers;
    for (int p = 0; p < 3; ++p)
      producers.emplace_back([&, p] {
        while (!go.load()) {
        }
        for (int i = 0; i < 500; ++i) {
          try {
            accepted[p].push_back(pool.submit([&ran, i] {
              ran.fetch_add(1);
              return i;
            }));
          } catch (std::runtime_error const& e) {
            // Boost.Test is not thread-safe: count here, check in the main
            // thread.
            if (std::string(e.what()) == "cannot schedule new futures after shutdown")
              refused.fetch_add(1);
            else
              wrong_errors.fetch_add(1);
          }
        }
      });
    go = true;
    pool.shutdown(/*wait=*/true, cancel);
    for (auto& t : producers)
      t.join();
    int finished = 0, cancelled = 0, total = 0;
    for (auto& fs : accepted) {
      auto [done, not_done] = cf::wait(fs, {.timeout = 60s});
      BOOST_TEST_REQUIRE(not_done.empty());
      for (auto& f : fs) {
        ++total;
        if (f.cancelled())
          ++cancelled;
        else if (f.result() >= 0)
          ++finished;
      }
    }
    BOOST_TEST_REQUIRE(wrong_errors.load() == 0);
    BOOST_TEST_REQUIRE(total + refused.load() == 3 * 500);
    BOOST_TEST_REQUIRE(finished == ran.load());
    if (!cancel)
      BOOST_TEST_REQUIRE(cancelled == 0);
  }
}

BOOST_AUTO_TEST_CASE(cancel_racing_start_runs_each_task_at_most_once,
                     *utf::timeout(240)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  constexpr int n = 20000;
  std::vector<std::atomic<int>> runs(n);
  std::vector<cf::future<int>> fs(n);
  // fs[i] is written before `published` passes i, so the canceller, which
  // chases the submitter, only reads slots already filled.
  std::atomic<int> published{0};
  std::thread canceller([&] {
    for (int next = 0; next < n;) {
      if (next < published.load(std::memory_order_acquire))
        fs[next++].cancel();
    }
  });
  for (int i = 0; i < n; ++i) {
    fs[i] = pool.submit([&runs, i] {
      runs[i].fetch_add(1);
      return i;
    });
    published.store(i + 1, std::memory_order_release);
  }
  canceller.join();
  pool.shutdown();
  int cancelled = 0;
  for (int i = 0; i < n; ++i) {
    BOOST_TEST_REQUIRE(fs[i].done());
    if (fs[i].cancelled()) {
      ++cancelled;
      BOOST_TEST_REQUIRE(runs[i].load() == 0);
    } else {
      BOOST_TEST_REQUIRE(runs[i].load() == 1);
      BOOST_TEST_REQUIRE(fs[i].result() == i);
    }
  }
  BOOST_TEST_MESSAGE(cancelled << " of " << n << " cancelled before they started");
}

BOOST_AUTO_TEST_CASE(callbacks_racing_completion_run_exactly_once, *utf::timeout(240)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  constexpr int n = 20000;
  std::atomic<int> calls{0};
  std::vector<cf::future<int>> fs;
  fs.reserve(n);
  for (int i = 0; i < n; ++i) {
    fs.push_back(pool.submit([i] { return i; }));
    fs.back().add_done_callback([&](cf::future<int> const& f) {
      if (f.done())
        calls.fetch_add(1);
    });
  }
  pool.shutdown();
  BOOST_TEST(calls.load() == n);
}

BOOST_AUTO_TEST_CASE(as_completed_and_wait_under_churn, *utf::timeout(240)) {
  cf::thread_pool_executor pool{{.max_workers = 3}};
  for (int round = 0; round < 200; ++round) {
    std::vector<cf::future<int>> fs;
    for (int i = 0; i < 50; ++i)
      fs.push_back(pool.submit([i] { return i; }));
    int seen = 0;
    for (auto& f : cf::as_completed(fs)) {
      (void)f;
      ++seen;
    }
    BOOST_TEST_REQUIRE(seen == 50);
    auto r = cf::wait(fs, {.return_when = cf::first_completed});
    BOOST_TEST_REQUIRE(!r.done.empty());
  }
}

BOOST_AUTO_TEST_CASE(pools_created_and_destroyed_in_a_loop, *utf::timeout(240)) {
  std::atomic<int> ran{0};
  for (int round = 0; round < 200; ++round) {
    cf::thread_pool_executor pool{{.max_workers = 1 + round % 4}};
    for (int i = 0; i < 20; ++i)
      pool.submit([&] { ran.fetch_add(1); });
  }
  BOOST_TEST(ran.load() == 200 * 20);
}

BOOST_AUTO_TEST_CASE(timed_waits_expire_and_complete_under_churn, *utf::timeout(240)) {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  int timeouts = 0, completions = 0;
  for (int i = 0; i < 3000; ++i) {
    auto f = pool.submit([i] { return i; });
    try {
      BOOST_TEST_REQUIRE(f.result(std::chrono::microseconds(i % 50)) == i);
      ++completions;
    } catch (cf::timeout_error const&) {
      ++timeouts;
      BOOST_TEST_REQUIRE(f.result() == i);
    }
  }
  BOOST_TEST(timeouts + completions == 3000);
}

BOOST_AUTO_TEST_SUITE_END()
