//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_MPI_ENVIRONMENT_HPP
#define CONCURRENT_FUTURES_MPI_ENVIRONMENT_HPP

#include <concurrent/futures/config.hpp>

namespace concurrent::futures {

/// MPI for the MPI executors: the first line of `main` in a program that
/// uses them (the C++ twin of Python's `if __name__ == "__main__":`).
/**
 * @code
 * int main(int argc, char** argv) {
 *   cf::mpi_environment mpi(argc, argv);
 *   cf::mpi_pool_executor pool{{.max_workers = 4}};
 *   std::cout << pool.submit(count_primes, 0, 1'000'000).result() << '\n';
 * }
 * @endcode
 *
 * Initializes MPI with `MPI_THREAD_MULTIPLE` (an executor's own thread makes
 * its MPI calls; `MPI_THREAD_SERIALIZED` is the least it accepts), unless
 * the program initialized MPI itself; the destructor finalizes what it
 * initialized. Executors must be destroyed before it: declare it first.
 * Unless the environment sets it, it sets Open MPI's
 * `mpi_yield_when_idle` to 0: the executors poll with their own backoff,
 * and Open MPI's yield in every empty probe of an oversubscribed job
 * (`mpirun --oversubscribe`) made a round trip ten times slower. A
 * program's own blocking MPI calls then busy-wait, as they do in a job that
 * is not oversubscribed.
 *
 * In a worker that an `mpi_pool_executor` spawned (a copy of this program
 * started by `MPI_Comm_spawn`), the constructor serves the pool's calls
 * until the pool shuts down, finalizes MPI and ends the process with
 * `std::exit`: it never returns there, so code above it runs in every
 * worker too. Workers cannot take their role before `main` as the process
 * pool's do: MPI must not be initialized before `main`.
 *
 * If a worker rank was lost (a heartbeat broke an executor), the
 * destructor ends the job with `MPI_Abort`: `MPI_Finalize` would wait for
 * the lost rank forever.
 *
 * @throws std::runtime_error when MPI provides a thread level below
 * `MPI_THREAD_SERIALIZED`, naming the level.
 *
 * @par Thread Safety
 * One per program, made on `main`'s thread before any other thread uses
 * MPI; its accessors may be called from any thread.
 */
class CONCURRENT_FUTURES_DECL mpi_environment {
public:
  /// Initializes MPI with `main`'s arguments, which MPI may edit; in a
  /// spawned worker, serves and never returns.
  mpi_environment(int& argc, char**& argv);
  /// As above, without the program's arguments.
  mpi_environment();
  /// Finalizes MPI if this object initialized it; `MPI_Abort` if a rank was
  /// lost.
  ~mpi_environment();

  mpi_environment(mpi_environment const&) = delete;
  mpi_environment& operator=(mpi_environment const&) = delete;

  /// This process' rank in `MPI_COMM_WORLD`.
  int rank() const noexcept;
  /// The number of processes in `MPI_COMM_WORLD`.
  int size() const noexcept;
  /// The thread level MPI provides (`MPI_THREAD_SERIALIZED` or above).
  int thread_level() const noexcept;

private:
  void start(int* argc, char*** argv);

  bool initialized_here_ = false;
};

} // namespace concurrent::futures

#endif
