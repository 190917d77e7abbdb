//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The process pool under load, with counts: a million calls three ways
// (single submits drained with as_completed, map with one call per item,
// map in chunks), each checked with a checksum; many submitting threads;
// pools created, broken and killed in a loop, after which no process,
// descriptor or /dev/shm entry may be left.
//
// Under the sanitizers the counts are smaller (instrumented code is 5-20x
// slower and CI has 90 minutes for everything); the code paths are the same.
#include <concurrent/futures/process_pool_executor.hpp>

#include "support/process_support.hpp"
#include "support/test_support.hpp"

#include <concurrent/futures/as_completed.hpp>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace utf = boost::unit_test;

namespace {

#ifdef CF_TEST_SANITIZED
constexpr std::int64_t million = 100'000;
constexpr int pool_rounds = 60;
#else
constexpr std::int64_t million = 1'000'000;
constexpr int pool_rounds = 300;
#endif

std::int64_t twice(std::int64_t x) {
  return 2 * x;
}

std::int64_t expected_sum(std::int64_t n) {
  return n * (n - 1); // sum of 2i for i < n
}

void die() {
  ::raise(SIGKILL);
}

} // namespace

BOOST_AUTO_TEST_SUITE(process_pool_stress)

BOOST_AUTO_TEST_CASE(a_million_submits_drained_with_as_completed, *utf::timeout(600)) {
  cf::process_pool_executor procs({.max_workers = 2});
  std::int64_t sum = 0, count = 0;
  constexpr std::int64_t window = 20'000;
  for (std::int64_t base = 0; base < million; base += window) {
    std::vector<cf::future<std::int64_t>> fs;
    fs.reserve(window);
    for (std::int64_t i = base; i < base + window; ++i)
      fs.push_back(procs.submit(twice, i));
    for (auto& f : cf::as_completed(fs)) {
      sum += f.result();
      ++count;
    }
  }
  BOOST_TEST(count == million);
  BOOST_TEST(sum == expected_sum(million));
}

BOOST_AUTO_TEST_CASE(a_million_items_through_map_one_call_each, *utf::timeout(600)) {
  cf::process_pool_executor procs({.max_workers = 2});
  std::vector<std::int64_t> xs(static_cast<std::size_t>(million));
  std::iota(xs.begin(), xs.end(), std::int64_t{0});
  std::int64_t sum = 0, i = 0;
  bool in_order = true;
  for (std::int64_t r : procs.map(twice, xs, {.buffersize = 10'000})) {
    in_order = in_order && r == 2 * i++;
    sum += r;
  }
  BOOST_TEST(in_order);
  BOOST_TEST(i == million);
  BOOST_TEST(sum == expected_sum(million));
}

BOOST_AUTO_TEST_CASE(a_million_items_through_map_in_chunks, *utf::timeout(600)) {
  cf::process_pool_executor procs({.max_workers = 2, .max_tasks_per_child = 200});
  std::vector<std::int64_t> xs(static_cast<std::size_t>(million));
  std::iota(xs.begin(), xs.end(), std::int64_t{0});
  std::int64_t sum = 0, i = 0;
  bool in_order = true;
  for (std::int64_t r : procs.map(twice, xs, {.chunksize = 1000})) {
    in_order = in_order && r == 2 * i++;
    sum += r;
  }
  BOOST_TEST(in_order);
  BOOST_TEST(sum == expected_sum(million));
}

BOOST_AUTO_TEST_CASE(many_submitting_threads_lose_nothing, *utf::timeout(600)) {
  cf::process_pool_executor procs({.max_workers = 2});
  constexpr int producers = 4;
  constexpr std::int64_t each = million / 20;
  std::vector<std::int64_t> sums(producers, 0);
  std::vector<std::thread> threads;
  for (int p = 0; p < producers; ++p)
    threads.emplace_back([&, p] {
      std::vector<cf::future<std::int64_t>> fs;
      fs.reserve(static_cast<std::size_t>(each));
      for (std::int64_t i = 0; i < each; ++i)
        fs.push_back(procs.submit(twice, i));
      for (auto& f : fs)
        sums[static_cast<std::size_t>(p)] += f.result();
    });
  for (auto& t : threads)
    t.join();
  for (auto s : sums)
    BOOST_TEST(s == expected_sum(each));
}

BOOST_AUTO_TEST_CASE(pools_made_broken_and_killed_leave_nothing_behind,
                     *utf::timeout(900)) {
  auto const fds = test::open_fds();
  auto const shm = test::shm_entries();
  int broken = 0, killed = 0;
  for (int round = 0; round < pool_rounds; ++round) {
    cf::process_pool_executor procs({.max_workers = 2});
    std::vector<cf::future<std::int64_t>> fs;
    for (int i = 0; i < 10; ++i)
      fs.push_back(procs.submit(twice, i));
    if (round % 10 == 3) {
      BOOST_CHECK_THROW(procs.submit(die).result(), cf::broken_process_pool);
      ++broken;
    } else if (round % 10 == 7) {
      fs.front().result(); // a worker exists
      procs.kill_workers();
      ++killed;
    } else {
      std::int64_t sum = 0;
      for (auto& f : fs)
        sum += f.result();
      BOOST_TEST(sum == expected_sum(10));
    }
  }
  BOOST_TEST(broken == pool_rounds / 10);
  BOOST_TEST(killed == pool_rounds / 10);
  BOOST_TEST(test::children_of(static_cast<int>(::getpid())).empty());
  BOOST_TEST(test::open_fds() == fds);
  BOOST_TEST((test::shm_entries() == shm));
}

BOOST_AUTO_TEST_SUITE_END()
