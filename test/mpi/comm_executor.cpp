//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// mpi_comm_executor under `mpiexec -n 3`: rank 0 runs the cases, ranks 1
// and 2 serve. Each case makes executors of its own; the constructor is
// collective, so before each one rank 0 broadcasts 1 and the other ranks
// construct one too (serving until rank 0 shuts it down), and after the
// last case rank 0 broadcasts 0. Only rank 0 reports.
#include <concurrent/futures/mpi_comm_executor.hpp>

#define BOOST_TEST_MODULE mpi_comm_executor
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "mpi_test_support.hpp"

#include <mpi.h>

#include <cstdio>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace utf = boost::unit_test;

namespace {

using namespace mpi_test;

/// The ranks that serve under `mpiexec -n 3`.
std::vector<int> const worker_ranks{1, 2};
constexpr int workers = 2;

/// Tells the other ranks whether another executor follows.
void announce(int more) {
  MPI_Bcast(&more, 1, MPI_INT, 0, MPI_COMM_WORLD);
}

/// A new executor over MPI_COMM_WORLD, its workers shaped by `options`.
std::unique_ptr<cf::mpi_comm_executor> make_executor(worker_shape const& options = {}) {
  announce(1);
  return std::make_unique<cf::mpi_comm_executor>(with<cf::mpi_comm_options>(options));
}

/// What the other ranks do: serve one executor per announcement.
int serve_until_told() {
  for (;;) {
    int more = 0;
    MPI_Bcast(&more, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (!more)
      return 0;
    cf::mpi_comm_executor ex;
    if (!ex.is_worker() || ex.is_root()) {
      std::fprintf(stderr, "a serving rank's executor says it is not a worker\n");
      return 1;
    }
  }
}

} // namespace

BOOST_AUTO_TEST_SUITE(mpi_comm_executor)

BOOST_AUTO_TEST_CASE(the_root_gets_an_executor_of_every_other_rank, *utf::timeout(60)) {
  auto ex = make_executor();
  BOOST_TEST(ex->is_root());
  BOOST_TEST(!ex->is_worker());
  BOOST_TEST(ex->num_workers() == workers);
  std::vector<cf::future<int>> pids;
  for (int i = 0; i < 20; ++i)
    pids.push_back(ex->submit(own_pid));
  for (auto& p : pids)
    BOOST_TEST(p.result(patience) != own_pid());
}

BOOST_AUTO_TEST_CASE(values_cross_both_ways, *utf::timeout(60)) {
  auto ex = make_executor();
  values_cross(*ex);
}

BOOST_AUTO_TEST_CASE(exceptions_arrive_as_their_type_or_name_the_rank,
                     *utf::timeout(60)) {
  auto ex = make_executor();
  exceptions_arrive_typed(*ex, worker_ranks);
}

BOOST_AUTO_TEST_CASE(a_codec_that_throws_fails_only_its_future, *utf::timeout(60)) {
  auto ex = make_executor();
  codec_failures_fail_only_their_future(*ex);
}

BOOST_AUTO_TEST_CASE(the_initializer_runs_first_on_every_rank, *utf::timeout(60)) {
  auto ex =
      make_executor({.initializer = {initialize_with, 40, "ab"}, .calls_per_worker = 1});
  initializer_state_is_visible(*ex, workers);
}

BOOST_AUTO_TEST_CASE(a_failing_initializer_breaks_the_executor, *utf::timeout(60)) {
  auto ex = make_executor({.initializer = failing_initializer});
  failing_initializer_breaks(*ex);
  // The other ranks are free again: the next executor works.
  ex.reset();
  auto next = make_executor();
  BOOST_TEST(next->submit(add, 1, 2).result(patience) == 3);
}

BOOST_AUTO_TEST_CASE(a_queued_call_cancels_and_never_runs, *utf::timeout(60)) {
  auto ex = make_executor({.calls_per_worker = 1});
  cancel_before_start(*ex, workers);
}

BOOST_AUTO_TEST_CASE(shutdown_waits_for_every_queued_call, *utf::timeout(60)) {
  auto ex = make_executor({.calls_per_worker = 1});
  shutdown_waits_for_the_queue(*ex, workers);
}

BOOST_AUTO_TEST_CASE(shutdown_without_wait_still_runs_the_queue, *utf::timeout(60)) {
  auto ex = make_executor({.calls_per_worker = 1});
  shutdown_without_wait_runs_the_queue(*ex, workers);
}

BOOST_AUTO_TEST_CASE(shutdown_cancel_futures_cancels_only_the_queue, *utf::timeout(120)) {
  auto ex = make_executor({.calls_per_worker = 1});
  shutdown_cancels_the_queue(*ex, workers);
}

BOOST_AUTO_TEST_CASE(queued_calls_start_highest_priority_first, *utf::timeout(60)) {
  auto ex = make_executor({.calls_per_worker = 1});
  priorities_order_the_queue(*ex, workers);
}

BOOST_AUTO_TEST_CASE(futures_work_with_wait_and_as_completed, *utf::timeout(60)) {
  auto ex = make_executor();
  wait_and_as_completed_take_the_futures(*ex);
}

BOOST_AUTO_TEST_CASE(dependents_cross_between_threads_and_ranks, *utf::timeout(60)) {
  auto ex = make_executor();
  dependents_cross_executors(*ex);
}

BOOST_AUTO_TEST_CASE(map_in_chunks_and_with_a_window, *utf::timeout(60)) {
  auto ex = make_executor();
  map_chunks_and_buffers(*ex);
}

BOOST_AUTO_TEST_CASE(coroutines_await_calls_on_ranks, *utf::timeout(60)) {
  auto ex = make_executor();
  coroutines_await_results(*ex);
}

BOOST_AUTO_TEST_CASE(large_values_cross_whole, *utf::timeout(120)) {
  auto ex = make_executor();
  large_values_cross(*ex);
}

BOOST_AUTO_TEST_CASE(the_base_classes_submit_too, *utf::timeout(60)) {
  auto ex = make_executor();
  base_routes_work(*ex);
}

BOOST_AUTO_TEST_CASE(concurrent_submitters_lose_no_call, *utf::timeout(120)) {
  auto ex = make_executor();
  concurrent_submitters_lose_nothing(*ex, 3, 2000);
}

// Refused before anything collective: the other ranks are not told.
BOOST_AUTO_TEST_CASE(a_bad_root_or_calls_per_worker_is_refused, *utf::timeout(60)) {
  for (int root : {3, -1}) {
    cf::mpi_comm_options bad;
    bad.root = root;
    BOOST_CHECK_THROW(cf::mpi_comm_executor{bad}, std::invalid_argument);
  }
  cf::mpi_comm_options zero;
  zero.calls_per_worker = 0;
  BOOST_CHECK_THROW(cf::mpi_comm_executor{zero}, std::invalid_argument);
  // The ranks still serve the next one.
  auto ex = make_executor();
  BOOST_TEST(ex->submit(add, 2, 2).result(patience) == 4);
}

BOOST_AUTO_TEST_SUITE_END()

int main(int argc, char** argv) {
  cf::mpi_environment env(argc, argv);
  if (env.rank() != 0)
    return serve_until_told();
  int status = 1;
  try {
    status = boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "%s\n", e.what());
  }
  announce(0);
  return status;
}
