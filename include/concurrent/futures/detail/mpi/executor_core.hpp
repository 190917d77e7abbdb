//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_MPI_EXECUTOR_CORE_HPP
#define CONCURRENT_FUTURES_DETAIL_MPI_EXECUTOR_CORE_HPP

// What both MPI executors share: the options every one of them takes, and
// the root's side (lib/detail/mpi/engine.*), reached through one pointer.

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/remote_executor.hpp>

#include <chrono>
#include <memory>

namespace concurrent::futures {

/// What every MPI executor takes, besides where its workers come from.
struct mpi_worker_options {
  /// Runs first in every worker (with `isolate_calls`, in the process that
  /// runs the calls). If it throws on any rank, the executor is broken:
  /// every future fails with `broken_mpi_pool`, naming the rank and the
  /// initializer's exception.
  process_initializer initializer = {};
  /// Calls handed to a worker at once (one running, the rest waiting in
  /// it); the others wait in the executor, where `cancel()` works. At least
  /// 1; 2 keeps a worker busy while its next call crosses.
  int calls_per_worker = 2;
  /// The longest sleep between two looks for a reply while calls are out
  /// (mpi4py's `backoff`). After activity the executor's thread spins for
  /// 50 us, then sleeps 1 us, doubling up to this; with no call out it
  /// sleeps until a submit.
  std::chrono::microseconds poll_max = std::chrono::milliseconds{1};
  /// Each worker rank runs its calls in a child process (a process pool of
  /// one worker): a call that crashes fails with `broken_mpi_pool` (rank,
  /// host, pid, signal) and breaks the executor, and the MPI job goes on.
  /// Without it, Open MPI ends the whole job when a rank dies.
  bool isolate_calls = false;
  /// Zero: none. Else every rank tells the root it is alive this often, and
  /// a rank silent for 4 periods breaks the executor (`broken_mpi_pool`)
  /// instead of hanging it; a worker whose root is silent as long exits.
  /// For jobs where nothing kills the root when a rank dies: a program
  /// started alone that spawned its workers, or `mpirun --enable-recovery`.
  std::chrono::milliseconds heartbeat = {};
};

namespace detail::mpi {
class engine;
}

/// The part of an MPI executor the root uses: `submit` and the rest of
/// `remote_executor`, `shutdown`, and the workers' count.
class CONCURRENT_FUTURES_DECL mpi_executor_base : public remote_executor {
public:
  /// Python's `shutdown`: no new calls; with `cancel_futures` the calls not
  /// handed to a worker yet are cancelled; with `wait`, returns when every
  /// call has finished and every worker was told to stop.
  void shutdown(bool wait = true, bool cancel_futures = false) override;

  /// The number of worker ranks (mpi4py's `num_workers`); 0 once broken.
  int num_workers() const noexcept;

protected:
  mpi_executor_base() = default;
  ~mpi_executor_base() override;

  void enqueue(detail::task_node& task) final;

  std::shared_ptr<detail::mpi::engine> engine_;
};

} // namespace concurrent::futures

#endif
