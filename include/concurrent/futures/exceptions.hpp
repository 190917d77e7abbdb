//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_EXCEPTIONS_HPP
#define CONCURRENT_FUTURES_EXCEPTIONS_HPP

#include <concurrent/futures/config.hpp>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>

namespace concurrent::futures {

/// Base of the errors a future reports (Python's `concurrent.futures.Error`).
/**
 * `cancelled_error`, `timeout_error` and `invalid_state_error` derive from it,
 * so one `catch (cf::error const&)` takes all three. It is not a
 * `std::runtime_error`, as Python's `Error` is not a `RuntimeError`.
 */
class CONCURRENT_FUTURES_DECL error : public std::exception {
public:
  /// An error whose `what()` is `what_arg`; the derived classes inherit it
  /// for a message of their own.
  explicit error(std::string const& what_arg);
  /// An error whose `what()` is `what_arg`.
  explicit error(char const* what_arg);

  /// The message; never empty.
  char const* what() const noexcept override;

private:
  // std::runtime_error gives a reference-counted string with a nothrow copy.
  std::runtime_error message_;
};

/// The future was cancelled (Python's `CancelledError`).
/**
 * Thrown by `result()` and `exception()` of a cancelled future, and delivered
 * through `std::exception_ptr` to asynchronous waiters.
 */
class CONCURRENT_FUTURES_DECL cancelled_error : public error {
public:
  /// "the future was cancelled before it ran (by ...)", naming the ways.
  cancelled_error();
  using error::error;
};

/// An operation did not finish before its timeout (Python's `TimeoutError`).
/**
 * Thrown by `future::result(timeout)`, `future::exception(timeout)`, by
 * advancing an `as_completed` range ("N (of M) futures unfinished") and by
 * advancing a `map` range. `wait()` never throws it: it returns partial sets.
 */
class CONCURRENT_FUTURES_DECL timeout_error : public error {
public:
  /// "the future did not finish within the timeout".
  timeout_error();
  using error::error;
};

/// A future was completed twice or in a state that forbids it (Python's
/// `InvalidStateError`).
/**
 * The message is Python's: the state, a colon, then the future's
 * representation, e.g. `FINISHED: <future at 0x5581... state=finished
 * returned int>`.
 */
class CONCURRENT_FUTURES_DECL invalid_state_error : public error {
public:
  using error::error;
};

/// An executor can no longer run work (Python's `BrokenExecutor`).
class CONCURRENT_FUTURES_DECL broken_executor : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A thread pool's initializer failed (Python's `BrokenThreadPool`).
/**
 * Every future queued when it happened fails with it, and every later
 * `submit` throws it. Message: "A thread initializer failed, the thread pool
 * is not usable anymore", followed by the initializer's own `what()`.
 */
class CONCURRENT_FUTURES_DECL broken_thread_pool : public broken_executor {
public:
  /// Python's message, without the initializer's.
  broken_thread_pool();
  using broken_executor::broken_executor;
};

/// A worker process of a process pool ended while work was pending, or
/// could not start (Python's `BrokenProcessPool`).
/**
 * Every future pending or running when it happened fails with it, and
 * every later `submit` throws it. The message names the worker's pid and the
 * signal or exit status, e.g. "A process in the process pool was terminated
 * abruptly while the future was running or pending (worker pid 4242 was
 * killed by signal 9, SIGKILL)".
 */
class CONCURRENT_FUTURES_DECL broken_process_pool : public broken_executor {
public:
  /// Python's message for `submit` on a broken pool.
  broken_process_pool();
  /// `pid`: the worker that ended (0: none); `signal`: the signal that
  /// killed it (0: none); `exit_status`: its exit status when no signal
  /// killed it (-1: unknown).
  explicit broken_process_pool(std::string const& what_arg, int pid = 0, int signal = 0,
                               int exit_status = -1);

  /// The worker that ended; 0 when none did (a `submit` on a broken pool).
  int pid() const noexcept { return pid_; }
  /// The signal that killed it, 0 if none did.
  int signal() const noexcept { return signal_; }
  /// Its exit status when no signal killed it; -1 if unknown.
  int exit_status() const noexcept { return exit_status_; }

private:
  int pid_ = 0;
  int signal_ = 0;
  int exit_status_ = -1;
};

/// A rank of an MPI executor was lost while work was pending: a call run
/// in a child process of the rank (`isolate_calls`) died, or the rank went
/// silent for longer than its heartbeat allows.
/**
 * Every future pending or running when it happened fails with it, and every
 * later `submit` throws it. The message names the rank, its host, and the
 * process and signal when a process died, e.g. "A call of the MPI executor
 * ended its process abruptly (rank 2 on node7: process 4242 was killed by
 * signal 9, SIGKILL)". Without either option, Open MPI ends the whole job
 * when a rank dies; see `mpi_comm_executor`.
 */
class CONCURRENT_FUTURES_DECL broken_mpi_pool : public broken_executor {
public:
  /// `rank`: the worker rank (-1: none); `pid` and `signal`: the process
  /// that died and the signal that killed it (0: none or unknown).
  explicit broken_mpi_pool(std::string const& what_arg, int rank = -1,
                           std::string host = {}, int pid = 0, int signal = 0);

  /// The worker rank that was lost; -1 if none is known.
  int rank() const noexcept { return rank_; }
  /// That rank's host name; empty if unknown.
  std::string const& host() const noexcept;
  /// The process that died; 0 if none did or it is unknown (a silent rank).
  int pid() const noexcept { return pid_; }
  /// The signal that killed it, 0 if none did or it is unknown.
  int signal() const noexcept { return signal_; }

private:
  std::shared_ptr<std::string const> host_;
  int rank_ = -1;
  int pid_ = 0;
  int signal_ = 0;
};

/// An exception thrown by a call in a worker process whose type could not
/// be rebuilt in this one.
/**
 * Standard exceptions (`std::runtime_error`, `std::invalid_argument`,
 * `std::system_error`, `std::bad_alloc`, ...), this library's and the types
 * registered with `cf::register_exception_type<E>()` arrive as themselves;
 * anything else arrives as `remote_error`, Python's `_RemoteTraceback`
 * analogue. `what()` reads "<type>: <what> (in worker process <pid>)", or
 * from an MPI executor "<type>: <what> (in rank <r> on <host>, pid <pid>)".
 */
class CONCURRENT_FUTURES_DECL remote_error : public std::runtime_error {
public:
  /// From a worker process of a process pool.
  remote_error(std::string const& type_name, std::string const& message, int pid);
  /// From a rank of an MPI executor (`rank` -1: a local worker process).
  remote_error(std::string const& type_name, std::string const& message, int pid,
               int rank, std::string host);

  /// The demangled type of the exception in the worker ("int" for `throw 42`).
  std::string const& type_name() const noexcept;
  /// Its `what()`; empty for a type not derived from std::exception.
  std::string const& message() const noexcept;
  /// The worker's process id.
  int pid() const noexcept { return pid_; }
  /// The worker's MPI rank; -1 for a process pool's worker.
  int rank() const noexcept { return rank_; }
  /// The worker's host name (MPI); empty for a process pool's worker.
  std::string const& host() const noexcept;

private:
  struct details;
  std::shared_ptr<details const> details_;
  int pid_;
  int rank_ = -1;
};

} // namespace concurrent::futures

#endif
