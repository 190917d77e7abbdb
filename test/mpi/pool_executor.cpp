//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// mpi_pool_executor started alone (a singleton) or under `mpiexec -n 1`:
// each pool spawns two copies of this program, which serve in
// mpi_environment's constructor and never reach the cases. Spawning takes
// about a second, so the cases that leave a pool as they found it share
// one; the cases that shape the workers or shut down make their own.
#include <concurrent/futures/mpi_pool_executor.hpp>

#define BOOST_TEST_MODULE mpi_pool_executor
#define BOOST_TEST_NO_MAIN
#include <boost/test/unit_test.hpp>

#include "mpi_test_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

namespace utf = boost::unit_test;

namespace {

using namespace mpi_test;

/// The ranks of the spawned workers, in their own world.
std::vector<int> const worker_ranks{0, 1};
constexpr int workers = 2;

/// The workers of this program's earlier pools that have not exited yet:
/// processes of this executable started with the worker's marker.
std::vector<int> earlier_workers() {
  std::vector<int> pids;
  auto const self = std::filesystem::read_symlink("/proc/self/exe");
  for (auto const& e : std::filesystem::directory_iterator("/proc")) {
    auto const name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::error_code ec;
    if (std::filesystem::read_symlink(e.path() / "exe", ec) != self || ec)
      continue;
    std::ifstream in(e.path() / "cmdline");
    std::string const cmdline((std::istreambuf_iterator<char>(in)), {});
    if (cmdline.find("--concurrent-futures-mpi-worker") != std::string::npos)
      pids.push_back(std::stoi(name));
  }
  return pids;
}

/// A pool of two workers. The pool before is gone, and shutdown(wait) of a
/// pool returns once its workers on this host have exited: none is left.
std::unique_ptr<cf::mpi_pool_executor> make_executor(worker_shape const& options = {}) {
  BOOST_REQUIRE(earlier_workers().empty());
  auto o = with<cf::mpi_pool_options>(options);
  o.max_workers = workers;
  return std::make_unique<cf::mpi_pool_executor>(std::move(o));
}

/// The pool the cases share; gone before MPI is finalized (see main).
std::unique_ptr<cf::mpi_pool_executor>& shared_slot() {
  static std::unique_ptr<cf::mpi_pool_executor> pool;
  return pool;
}

cf::mpi_pool_executor& shared_pool() {
  auto& pool = shared_slot();
  if (!pool)
    pool = make_executor();
  return *pool;
}

/// A pool of its own for a case; the shared one is gone by then, so that
/// its idle workers do not share the machine with these.
std::unique_ptr<cf::mpi_pool_executor> own_executor(worker_shape const& options = {}) {
  shared_slot().reset();
  return make_executor(options);
}

} // namespace

BOOST_AUTO_TEST_SUITE(mpi_pool_executor)

BOOST_AUTO_TEST_CASE(the_pool_spawns_its_workers, *utf::timeout(120)) {
  auto& ex = shared_pool();
  BOOST_TEST(ex.num_workers() == workers);
  std::vector<cf::future<int>> pids;
  for (int i = 0; i < 20; ++i)
    pids.push_back(ex.submit(own_pid));
  for (auto& p : pids)
    BOOST_TEST(p.result(patience) != own_pid());
}

BOOST_AUTO_TEST_CASE(values_cross_both_ways, *utf::timeout(120)) {
  values_cross(shared_pool());
}

BOOST_AUTO_TEST_CASE(exceptions_arrive_as_their_type_or_name_the_rank,
                     *utf::timeout(120)) {
  exceptions_arrive_typed(shared_pool(), worker_ranks);
}

BOOST_AUTO_TEST_CASE(a_codec_that_throws_fails_only_its_future, *utf::timeout(120)) {
  codec_failures_fail_only_their_future(shared_pool());
}

BOOST_AUTO_TEST_CASE(futures_work_with_wait_and_as_completed, *utf::timeout(120)) {
  wait_and_as_completed_take_the_futures(shared_pool());
}

BOOST_AUTO_TEST_CASE(dependents_cross_between_threads_and_ranks, *utf::timeout(120)) {
  dependents_cross_executors(shared_pool());
}

BOOST_AUTO_TEST_CASE(map_in_chunks_and_with_a_window, *utf::timeout(120)) {
  map_chunks_and_buffers(shared_pool());
}

BOOST_AUTO_TEST_CASE(coroutines_await_calls_on_ranks, *utf::timeout(120)) {
  coroutines_await_results(shared_pool());
}

BOOST_AUTO_TEST_CASE(large_values_cross_whole, *utf::timeout(120)) {
  large_values_cross(shared_pool());
}

BOOST_AUTO_TEST_CASE(the_base_classes_submit_too, *utf::timeout(120)) {
  base_routes_work(shared_pool());
}

BOOST_AUTO_TEST_CASE(concurrent_submitters_lose_no_call, *utf::timeout(120)) {
  concurrent_submitters_lose_nothing(shared_pool(), 3, 2000);
}

BOOST_AUTO_TEST_CASE(the_initializer_runs_first_in_every_worker, *utf::timeout(120)) {
  auto ex =
      own_executor({.initializer = {initialize_with, 40, "ab"}, .calls_per_worker = 1});
  initializer_state_is_visible(*ex, workers);
}

BOOST_AUTO_TEST_CASE(a_failing_initializer_breaks_the_pool, *utf::timeout(120)) {
  auto ex = own_executor({.initializer = failing_initializer});
  failing_initializer_breaks(*ex);
}

BOOST_AUTO_TEST_CASE(a_queued_call_cancels_and_never_runs, *utf::timeout(120)) {
  auto ex = own_executor({.calls_per_worker = 1});
  cancel_before_start(*ex, workers);
}

BOOST_AUTO_TEST_CASE(shutdown_waits_for_every_queued_call, *utf::timeout(120)) {
  auto ex = own_executor({.calls_per_worker = 1});
  shutdown_waits_for_the_queue(*ex, workers);
}

BOOST_AUTO_TEST_CASE(shutdown_without_wait_still_runs_the_queue, *utf::timeout(120)) {
  auto ex = own_executor({.calls_per_worker = 1});
  shutdown_without_wait_runs_the_queue(*ex, workers);
}

BOOST_AUTO_TEST_CASE(shutdown_cancel_futures_cancels_only_the_queue, *utf::timeout(120)) {
  auto ex = own_executor({.calls_per_worker = 1});
  shutdown_cancels_the_queue(*ex, workers);
}

BOOST_AUTO_TEST_CASE(queued_calls_start_highest_priority_first, *utf::timeout(120)) {
  auto ex = own_executor({.calls_per_worker = 1});
  priorities_order_the_queue(*ex, workers);
}

// The variable sizes the pool when max_workers is not given; `env` is set
// in every worker before its initializer runs.
BOOST_AUTO_TEST_CASE(the_environment_sizes_the_pool_and_reaches_its_workers,
                     *utf::timeout(120)) {
  shared_slot().reset();
  BOOST_REQUIRE(test::wait_gone(earlier_workers(), std::chrono::seconds(30)));
  cf::mpi_pool_options o;
  o.env = {{"CF_TEST_NUMBER", "17"}, {"CF_TEST_WORD", "spawned"}};
  o.initializer = {initialize_from_env, "CF_TEST_NUMBER"};
  o.calls_per_worker = 1;
  ::setenv("CONCURRENT_FUTURES_MPI_MAX_WORKERS", "3", 1);
  std::unique_ptr<cf::mpi_pool_executor> ex;
  try {
    ex = std::make_unique<cf::mpi_pool_executor>(o);
  } catch (...) {
    ::unsetenv("CONCURRENT_FUTURES_MPI_MAX_WORKERS");
    throw;
  }
  ::unsetenv("CONCURRENT_FUTURES_MPI_MAX_WORKERS");
  BOOST_TEST(ex->num_workers() == 3);
  initializer_state_is_visible(*ex, 3, 17);
  BOOST_TEST(ex->submit(env_of, "CF_TEST_WORD").result(patience) == "spawned");
}

// Refused before anything is spawned.
BOOST_AUTO_TEST_CASE(bad_options_are_refused, *utf::timeout(60)) {
  for (int n : {0, -2}) {
    cf::mpi_pool_options bad;
    bad.max_workers = n;
    BOOST_CHECK_THROW(cf::mpi_pool_executor{bad}, std::invalid_argument);
  }
  cf::mpi_pool_options zero;
  zero.max_workers = 1;
  zero.calls_per_worker = 0;
  BOOST_CHECK_THROW(cf::mpi_pool_executor{zero}, std::invalid_argument);
  ::setenv("CONCURRENT_FUTURES_MPI_MAX_WORKERS", "none", 1);
  BOOST_CHECK_THROW(cf::mpi_pool_executor{}, std::invalid_argument);
  ::unsetenv("CONCURRENT_FUTURES_MPI_MAX_WORKERS");
}

BOOST_AUTO_TEST_SUITE_END()

int main(int argc, char** argv) {
  // A spawned worker serves in here and never returns.
  cf::mpi_environment env(argc, argv);
  int status = 1;
  try {
    status = boost::unit_test::unit_test_main(&init_unit_test, argc, argv);
  } catch (std::exception const& e) {
    std::fprintf(stderr, "%s\n", e.what());
  }
  shared_slot().reset();
  return status;
}
