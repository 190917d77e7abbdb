//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The demos' parallel_batch_processor (demo/batch_processor.hpp): complete
// results in item order on both executor kinds, a failing batch reported
// without losing the others, and the per-batch timeout.

#include "batch_processor.hpp"

#include "support/test_support.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <ostream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace demo {
// For Boost.Test's messages.
std::ostream& operator<<(std::ostream& os, batch_status s) {
  return os << to_string(s);
}
} // namespace demo

namespace {

using demo::batch_status;
using demo::executor_kind;

std::vector<int> iota(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i)
    v.push_back(i);
  return v;
}

// Free functions: they cross to worker processes.
long square(int x) {
  return static_cast<long>(x) * x;
}

long square_but_13_throws(int x) {
  if (x == 13)
    throw std::runtime_error("item 13 is unlucky");
  return square(x);
}

// Every result of the ok batches, in batch order.
template <class R>
std::vector<R> flatten(demo::batch_report<R> const& report) {
  std::vector<R> all;
  for (auto const& b : report.batches)
    all.insert(all.end(), b.results.begin(), b.results.end());
  return all;
}

void check_complete_and_in_order(executor_kind kind) {
  std::vector<int> const items = iota(100);
  auto const report = demo::parallel_batch_processor(items, square, 7, 3, kind, 60s);

  BOOST_TEST_REQUIRE(report.batches.size() == 15u); // 14 of 7, one of 2
  BOOST_TEST(report.count(batch_status::ok) == 15u);
  std::size_t first = 0;
  for (std::size_t i = 0; i < report.batches.size(); ++i) {
    auto const& b = report.batches[i];
    BOOST_TEST(b.index == i);
    BOOST_TEST(b.first_item == first);
    BOOST_TEST(b.size == (i < 14 ? 7u : 2u));
    BOOST_TEST(b.results.size() == b.size);
    first += b.size;
  }
  std::vector<long> expected;
  for (int x : items)
    expected.push_back(square(x));
  BOOST_TEST(flatten(report) == expected, boost::test_tools::per_element());
}

void check_one_failing_batch(executor_kind kind) {
  auto const report =
      demo::parallel_batch_processor(iota(40), square_but_13_throws, 5, 3, kind, 60s);

  BOOST_TEST_REQUIRE(report.batches.size() == 8u);
  BOOST_TEST(report.count(batch_status::ok) == 7u);
  BOOST_TEST(report.count(batch_status::failed) == 1u);
  auto const& bad = report.batches[13 / 5];
  BOOST_TEST(bad.status == batch_status::failed);
  BOOST_TEST(bad.error == "item 13 is unlucky");
  BOOST_TEST(bad.results.empty());
  for (auto const& b : report.batches)
    if (b.index != bad.index)
      BOOST_TEST(b.results.size() == 5u);
}

} // namespace

BOOST_AUTO_TEST_SUITE(batch_processor)

BOOST_AUTO_TEST_CASE(thread_results_complete_and_in_order,
                     *boost::unit_test::timeout(120)) {
  check_complete_and_in_order(executor_kind::thread);
}

BOOST_AUTO_TEST_CASE(process_results_complete_and_in_order,
                     *boost::unit_test::timeout(120)) {
  check_complete_and_in_order(executor_kind::process);
}

BOOST_AUTO_TEST_CASE(thread_exception_fails_only_its_batch,
                     *boost::unit_test::timeout(120)) {
  check_one_failing_batch(executor_kind::thread);
}

BOOST_AUTO_TEST_CASE(process_exception_fails_only_its_batch,
                     *boost::unit_test::timeout(120)) {
  check_one_failing_batch(executor_kind::process);
}

BOOST_AUTO_TEST_CASE(batch_past_its_timeout_is_timed_out_others_ok,
                     *boost::unit_test::timeout(120)) {
  // Item 42 holds its worker until the items of every other batch have run
  // (on the other two workers), then until its batch's deadline has passed
  // and the processor sleeps again, having seen the timeout: the late result
  // cannot arrive before the timeout is noticed, however loaded the machine.
  // What stays timed is the feature itself: the other batches, five trivial
  // calls each, must finish within the timeout to be ok.
  constexpr auto timeout = 2s;
  constexpr int items = 60;
  constexpr int batch = 5;
  pid_t const processor = ::gettid(); // parallel_batch_processor runs here
  test::counter others_ran;           // the items of the other batches
  std::atomic<bool> held_while_others_ran{false};
  auto held_at_42 = [&](int x) {
    if (x / batch != 42 / batch)
      others_ran.add();
    if (x != 42)
      return x;
    auto const started = std::chrono::steady_clock::now();
    held_while_others_ran = others_ran.wait_for(items - batch, 60s);
    // Its batch was submitted before it started, so its deadline is behind
    // `started + timeout`. Past it (and past the kernel's timer slack, which
    // the margin covers many times over) the processor's timed wait has
    // expired: the processor runs, and it sleeps again only once it has
    // marked the batch timed out and waits for nothing but its return.
    std::this_thread::sleep_until(started + timeout + 100ms);
    test::wait_until_sleeping(processor);
    return x;
  };
  auto const report = demo::parallel_batch_processor(iota(items), held_at_42, batch, 3,
                                                     executor_kind::thread, timeout);

  BOOST_TEST(held_while_others_ran.load());
  BOOST_TEST_REQUIRE(report.batches.size() == 12u);
  BOOST_TEST(report.count(batch_status::ok) == 11u);
  BOOST_TEST(report.count(batch_status::timed_out) == 1u);
  auto const& late = report.batches[42 / batch];
  BOOST_TEST(late.status == batch_status::timed_out);
  BOOST_TEST(late.results.empty()); // the result that came later is dropped
  BOOST_TEST(late.error.find("no result within 2000 ms") != std::string::npos);
  for (auto const& b : report.batches)
    if (b.index != late.index)
      BOOST_TEST(b.results.size() == 5u);
}

BOOST_AUTO_TEST_CASE(empty_input_gives_no_batches, *boost::unit_test::timeout(60)) {
  auto const report = demo::parallel_batch_processor(std::vector<int>{}, square, 4, 2,
                                                     executor_kind::thread, 1s);
  BOOST_TEST(report.batches.empty());
}

BOOST_AUTO_TEST_CASE(zero_batch_size_or_workers_throws, *boost::unit_test::timeout(60)) {
  BOOST_CHECK_THROW(
      demo::parallel_batch_processor(iota(3), square, 0, 2, executor_kind::thread, 1s),
      std::invalid_argument);
  BOOST_CHECK_THROW(
      demo::parallel_batch_processor(iota(3), square, 2, 0, executor_kind::thread, 1s),
      std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(process_kind_refuses_a_capturing_lambda,
                     *boost::unit_test::timeout(60)) {
  int const offset = 1;
  auto add = [offset](int x) { return x + offset; };
  BOOST_CHECK_THROW(
      demo::parallel_batch_processor(iota(3), add, 2, 2, executor_kind::process, 1s),
      std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
