//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_MPI_EXECUTOR_CORE_HPP
#define CONCURRENT_FUTURES_DETAIL_MPI_EXECUTOR_CORE_HPP

// What both MPI executors share: the root's side (lib/detail/mpi/engine.*),
// reached through one pointer, and the submit forms of remote_executor.

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/remote_executor.hpp>

#include <memory>

namespace concurrent::futures {

namespace detail::mpi {
class engine;
}

/// The part of an MPI executor the root uses: `submit` and the rest of
/// `remote_executor`, `shutdown`, and the workers' count.
/**
 * @par Thread Safety
 * Every member function may be called from any thread, concurrently.
 */
class CONCURRENT_FUTURES_DECL mpi_executor_base : public remote_executor {
public:
  /// Python's `shutdown`: no new calls; with `cancel_futures` the calls not
  /// handed to a worker yet are cancelled; with `wait`, returns when every
  /// call has finished and every worker was told to stop.
  void shutdown(bool wait = true, bool cancel_futures = false) override;

  /// The number of worker ranks (mpi4py's `num_workers`); 0 once broken.
  int num_workers() const noexcept;

protected:
  /// For the two MPI executors, which set `engine_` on the root.
  mpi_executor_base() = default;
  /// Releases the root's side, which the derived destructor shut down.
  ~mpi_executor_base() override;

  void enqueue(detail::task_node& task) final;

  /// The root's side, set by the derived constructor; null on a worker.
  std::shared_ptr<detail::mpi::engine> engine_;
};

} // namespace concurrent::futures

#endif
