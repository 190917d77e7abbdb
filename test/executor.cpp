//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The common executor type (Python's Executor): code that holds a pool
// through it submits, maps and shuts down without knowing which pool.
#include <concurrent/futures/executor.hpp>

#include "support/test_support.hpp"

#include <concurrent/futures/thread_pool_executor.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <utility>
#include <vector>

namespace utf = boost::unit_test;

namespace {

// The README's factory (demo/executor_factory.cpp), with a thread pool for
// both kinds: these cases submit lambdas that capture, which a process pool
// refuses. A process pool held, used and destroyed through cf::executor is
// tested in test/process_pool_executor.cpp
// (a_call_that_cannot_cross_is_refused_through_the_base).
std::unique_ptr<cf::executor> get_executor(std::string_view kind, int max_workers) {
  if (kind == "io" || kind == "cpu")
    return std::make_unique<cf::thread_pool_executor>(
        cf::thread_pool_options{.max_workers = max_workers});
  throw std::invalid_argument("unknown executor kind");
}

// An executor that cannot take work: its enqueue throws, as a shut-down or
// broken pool's does.
class refusing_executor final : public cf::executor {
public:
  void shutdown(bool, bool) override {}

protected:
  void enqueue(cf::detail::task_node&) override {
    throw std::logic_error("this executor takes no work");
  }
};

// Takes the first `takes` tasks, then refuses the rest, as a pool shut
// down between two of map's batches would: the base's enqueue_all, which
// map queues its batches through, must then leave no future pending.
class filling_executor final : public cf::executor {
public:
  explicit filling_executor(int takes) : takes_(takes) {}
  ~filling_executor() override {
    for (auto* t : queued_)
      t->abandon(nullptr);
  }
  void shutdown(bool, bool) override {}

  // Runs what was queued, on this thread.
  void run_queued() {
    struct : cf::detail::task_observer {
      void task_finishing() noexcept override {}
    } observer;
    for (auto* t : std::exchange(queued_, {}))
      t->run(observer);
  }

protected:
  void enqueue(cf::detail::task_node& task) override {
    if (takes_ <= 0)
      throw std::runtime_error("this executor is full");
    --takes_;
    queued_.push_back(&task);
  }

private:
  int takes_;
  std::vector<cf::detail::task_node*> queued_;
};

} // namespace

BOOST_AUTO_TEST_SUITE(executor_tests)

BOOST_AUTO_TEST_CASE(submit_map_and_shutdown_through_the_base, *utf::timeout(60)) {
  std::unique_ptr<cf::executor> ex = get_executor("io", 4);
  cf::executor& base = *ex;
  auto f = base.submit([](int a, int b) { return a * b; }, 6, 7);
  BOOST_TEST(f.result() == 42);
  std::vector<int> xs{1, 2, 3};
  std::vector<int> got;
  for (int v : base.map([](int x) { return x * 10; }, xs))
    got.push_back(v);
  BOOST_TEST((got == std::vector<int>{10, 20, 30}));
  base.shutdown();
  BOOST_CHECK_THROW(base.submit([] { return 1; }), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(map_on_an_executor_that_refuses_work_throws, *utf::timeout(60)) {
  refusing_executor ex;
  std::atomic<int> ran{0};
  BOOST_CHECK_THROW(
      ex.map([&](int x) { return ran.fetch_add(1) + x; }, std::vector{1, 2, 3}),
      std::logic_error);
  BOOST_TEST(ran.load() == 0);
}

// map queues its calls a batch at a time (executor::enqueue_all); a batch
// the executor takes only in part leaves no future pending and runs no call
// once map has thrown, for every point of refusal, batch boundaries included.
BOOST_AUTO_TEST_CASE(map_refused_partway_cancels_what_was_queued, *utf::timeout(60)) {
  for (int takes : {0, 1, 5, 31, 32, 33, 63, 64, 65}) {
    filling_executor ex(takes);
    std::atomic<int> ran{0};
    std::vector<int> xs(70);
    BOOST_CHECK_THROW(ex.map([&](int x) { return ran.fetch_add(1) + x; }, xs),
                      std::runtime_error);
    ex.run_queued(); // cancelled: none runs
    BOOST_TEST(ran.load() == 0, "takes " << takes);
  }
}

BOOST_AUTO_TEST_CASE(destroying_through_the_base_waits, *utf::timeout(60)) {
  std::atomic<int> ran{0};
  test::event gate;
  std::optional<test::when_asleep> opener; // outlives the pool
  {
    std::unique_ptr<cf::executor> ex = get_executor("cpu", 2);
    for (int i = 0; i < 10; ++i)
      ex->submit([&] {
        gate.wait();
        ran.fetch_add(1);
      });
    // The calls can finish only once this thread sleeps in the destructor.
    opener.emplace([&] { gate.set(); });
  }
  BOOST_TEST(ran.load() == 10);
}

BOOST_AUTO_TEST_CASE(a_failed_enqueue_leaks_nothing_and_throws) {
  refusing_executor ex;
  auto watched = std::make_shared<int>(0);
  std::weak_ptr<int> watch = watched;
  BOOST_CHECK_THROW(ex.submit([w = std::move(watched)] { return *w; }), std::logic_error);
  BOOST_TEST(watch.expired());
}

BOOST_AUTO_TEST_SUITE_END()
