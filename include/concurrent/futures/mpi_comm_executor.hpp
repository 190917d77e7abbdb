//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_MPI_COMM_EXECUTOR_HPP
#define CONCURRENT_FUTURES_MPI_COMM_EXECUTOR_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/mpi/executor_core.hpp>

#include <concurrent/futures/remote_executor.hpp>

#include <mpi.h>

#include <chrono>

namespace concurrent::futures {

/// Options of `mpi_comm_executor` (mpi4py's `MPICommExecutor` arguments).
/**
 * @code
 * cf::mpi_comm_executor ex{{.initializer = {open_db, "cache.sqlite"},
 *                           .isolate_calls = true}};
 * @endcode
 */
struct mpi_comm_options {
  /// The ranks: one submits, the others serve. Duplicated inside, so the
  /// executor's messages never meet the program's.
  MPI_Comm comm = MPI_COMM_WORLD;
  /// The rank that submits.
  int root = 0;
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
  /// sleeps until a submit. Workers poll for calls the same way.
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

/// The ranks of a communicator as an executor (mpi4py's `MPICommExecutor`):
/// started with `mpirun -n N ./app`, one rank submits, the others run its
/// calls.
/**
 * @code
 * int main(int argc, char** argv) {
 *   cf::mpi_environment mpi(argc, argv);
 *   cf::mpi_comm_executor ex;       // ranks 1..N-1 serve in here
 *   if (ex.is_worker()) return 0;   // until rank 0 shut down
 *   std::cout << ex.submit(count_primes, 0, 1'000'000).result() << '\n';
 * }
 * @endcode
 *
 * The constructor is collective over `comm`, as mpi4py's `with
 * MPICommExecutor() as ex:` is. On the root it returns an executor; on
 * every other rank it serves the root's calls and returns when the root
 * shuts down (`is_worker()` is then true and `submit` throws
 * `std::logic_error`). The options that shape the workers (initializer,
 * calls per worker, isolation, heartbeat) are the root's; the other ranks'
 * are ignored, except `comm` and `root`.
 *
 * What runs on a worker, and how it fails, is the process pool's: the same
 * calls (a free function, a captureless lambda or a function object with a
 * codec, arguments and results with a codec), the same futures (`wait`,
 * `as_completed`, `map`, priorities, `after`, `co_await`), exceptions
 * rebuilt as themselves or as `remote_error` naming the rank and host.
 * Futures complete, and their callbacks run, on the executor's own thread,
 * which makes every MPI call of the executor (so MPI needs only
 * `MPI_THREAD_SERIALIZED`).
 *
 * At start each worker checks that it runs the root's build: the
 * executable and every shared library a call may name (GNU build-id). A
 * rank that differs makes the constructor throw, naming the rank, its host
 * and the module.
 *
 * When a rank dies, Open MPI 4 (without ULFM) ends the whole job about a
 * second later under `mpirun`; no MPI error reaches the root. Run calls
 * that may crash with `isolate_calls`; see `mpi_comm_options`.
 *
 * The destructor calls `shutdown(true)`: every worker rank is told to
 * stop.
 *
 * @throws std::invalid_argument for a communicator of one rank, a bad
 * root or `calls_per_worker` below 1; std::logic_error when MPI is not
 * initialized (see `mpi_environment`); std::runtime_error when a worker
 * runs another build.
 *
 * @par Thread Safety
 * Every member function may be called from any thread, concurrently.
 */
class CONCURRENT_FUTURES_DECL mpi_comm_executor : public mpi_executor_base {
public:
  /// Collective over `options.comm`: on the root, returns once every worker
  /// has checked its build and run the initializer; on the others, serves
  /// until the root shuts down.
  explicit mpi_comm_executor(mpi_comm_options options = {});
  /// On the root, `shutdown(true)`; the workers were told to stop.
  ~mpi_comm_executor() override;

  /// True on the rank that submits.
  bool is_root() const noexcept { return root_; }
  /// True on the other ranks, once they have served.
  bool is_worker() const noexcept { return !root_; }

private:
  bool root_ = false;
};

} // namespace concurrent::futures

#endif
