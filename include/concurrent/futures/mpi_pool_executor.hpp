//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_MPI_POOL_EXECUTOR_HPP
#define CONCURRENT_FUTURES_MPI_POOL_EXECUTOR_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/mpi/executor_core.hpp>

#include <concurrent/futures/remote_executor.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace concurrent::futures {

/// Options of `mpi_pool_executor` (mpi4py's `MPIPoolExecutor` arguments).
struct mpi_pool_options {
  /// Workers to spawn. Empty: `CONCURRENT_FUTURES_MPI_MAX_WORKERS` if set,
  /// else MPI's universe size minus the world's size if that is known and
  /// positive, else 1 (mpi4py's rule). Zero or negative is an error.
  std::optional<int> max_workers = {};
  /// `MPI_Info` keys for `MPI_Comm_spawn`: `host`, `hostfile`,
  /// `add-hostfile`, `wdir`, `map-by`, ... (Open MPI's `MPI_Comm_spawn`
  /// manual lists them).
  std::vector<std::pair<std::string, std::string>> mpi_info = {};
  /// Environment variables set in each worker before its initializer.
  std::vector<std::pair<std::string, std::string>> env = {};
  /// The program to spawn; empty: this one. It must be the same build
  /// (checked at start) and begin `main` with `mpi_environment`.
  std::string program = {};
  /// As `mpi_comm_options::initializer`.
  process_initializer initializer = {};
  /// As `mpi_comm_options::calls_per_worker`.
  int calls_per_worker = 2;
  /// As `mpi_comm_options::poll_max`.
  std::chrono::microseconds poll_max = std::chrono::milliseconds{1};
  /// As `mpi_comm_options::isolate_calls`.
  bool isolate_calls = false;
  /// As `mpi_comm_options::heartbeat`; a program started alone that spawned
  /// its workers is not ended by Open MPI when one dies, so without a
  /// heartbeat it would wait for that worker forever.
  std::chrono::milliseconds heartbeat = {};
};

/// Workers spawned with `MPI_Comm_spawn` as an executor (mpi4py's
/// `MPIPoolExecutor`), from a program started alone or under `mpirun`.
/**
 * @code
 * int main(int argc, char** argv) {
 *   cf::mpi_environment mpi(argc, argv);   // spawned workers serve in here
 *   cf::mpi_pool_executor pool{{.max_workers = 4}};
 *   auto f = pool.submit(cf::priority{5}, count_primes, 0, 1'000'000);
 * }
 * @endcode
 *
 * The constructor spawns the workers (copies of this program; 0.5 to 1.5 s
 * here) and waits until each has checked its build and run the
 * initializer. Open MPI spawns only into free slots: on one machine run
 * with `OMPI_MCA_rmaps_base_oversubscribe=1` (or `mpirun --oversubscribe`),
 * or give hosts in `mpi_info`.
 *
 * Everything else is `mpi_comm_executor`'s: the same calls, futures,
 * errors, build check, options and failure semantics.
 *
 * The destructor calls `shutdown(true)`, and the workers end.
 *
 * @throws std::invalid_argument for `max_workers` or `calls_per_worker`
 * below 1; std::logic_error when MPI is not initialized, or in a spawned
 * worker that reached this line (its `main` does not start with
 * `mpi_environment`); std::runtime_error when the spawn fails (the error
 * says how to make slots) or a worker runs another build.
 *
 * @par Thread Safety
 * Every member function may be called from any thread, concurrently.
 */
class CONCURRENT_FUTURES_DECL mpi_pool_executor : public mpi_executor_base {
public:
  /// Spawns the workers and returns once each has checked its build and
  /// run the initializer.
  explicit mpi_pool_executor(mpi_pool_options options = {});
  /// `shutdown(true)`; the workers end.
  ~mpi_pool_executor() override;
};

} // namespace concurrent::futures

#endif
