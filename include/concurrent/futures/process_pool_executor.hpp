//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_PROCESS_POOL_EXECUTOR_HPP
#define CONCURRENT_FUTURES_PROCESS_POOL_EXECUTOR_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/exceptions.hpp>
#include <concurrent/futures/remote_executor.hpp>

#include <memory>
#include <optional>
#include <vector>

namespace concurrent::futures {

namespace detail::process {
class pool_core;
}

/// How a process pool starts its workers (Python's start methods).
enum class start_method {
  /// A fork server, a fresh copy of the program started when the pool needs
  /// its first worker, forks each worker. The server is single-threaded, so
  /// a worker never inherits a lock another thread of the program held; this
  /// is what makes it safe in a program that already runs threads. The
  /// default, as in Python 3.14.
  forkserver,
  /// Each worker is a fresh copy of the program (exec of /proc/self/exe).
  spawn,
  /// Each worker is a fork of the program, all of them when the pool is
  /// created. Refused when the program runs more than one thread then.
  fork,
};

/// Options of `process_pool_executor` (Python's constructor arguments).
struct process_pool_options {
  /// Most worker processes; empty: the CPUs this process may run on
  /// (Python's `os.process_cpu_count()`). Zero or negative is an error.
  std::optional<int> max_workers = {};
  /// A worker exits after this many calls and a new one takes its place;
  /// empty: workers live as long as the pool. Not with `start_method::fork`.
  std::optional<int> max_tasks_per_child = {};
  /// Runs first in every worker. If it throws, the pool is broken.
  process_initializer initializer = {};
  /// How workers start; see `start_method`.
  concurrent::futures::start_method start_method =
      concurrent::futures::start_method::forkserver;
};

/// Runs submitted calls in worker processes (Python's
/// `ProcessPoolExecutor`).
/**
 * The same futures as `thread_pool_executor`: `wait`, `as_completed`,
 * `map`, `co_await` and `run_in_executor` work alike. What crosses to a
 * worker is a free function, a captureless lambda or a function object with
 * a codec, and arguments and a result with a `cf::codec`; anything else is
 * a compile error where the static type is this class, and
 * `std::invalid_argument` from `submit` through the `executor` base.
 * Standard exceptions thrown in a worker arrive as themselves, others as
 * `remote_error`.
 *
 * Workers start on demand, one per `submit` that finds no idle worker, up
 * to `max_workers` (all at once with `start_method::fork`). A call handed
 * to a worker cannot be cancelled any more. A worker holds at most two
 * calls (one running, one waiting), fewer than the `2 * max_workers + 1`
 * Python may hold (its call queue of `max_workers + 1` plus one running per
 * worker); the rest wait in the pool, where `cancel()` works.
 *
 * If a worker dies (a signal, `abort`, `_exit`) the pool is broken: every
 * pending future fails with `broken_process_pool` naming the worker's pid
 * and signal or exit status, the other workers are killed, and `submit`
 * throws. Workers die with the program, also when it is killed.
 *
 * Futures complete, and their done callbacks run, on the pool's own thread.
 *
 * Unlike `thread_pool_executor`, this pool is not an Asio execution context:
 * what runs in it runs in other processes, so an Asio handler (which
 * cannot cross) has nowhere to run but the pool's own thread, where it would
 * delay every completion. As Python's `ProcessPoolExecutor` is no event
 * loop, hand results to Asio by awaiting the futures (`co_await f`,
 * `f.async_wait(token)`, `run_in_executor`) from the context that should
 * run the rest.
 *
 * The destructor calls `shutdown(true)`.
 *
 * @par Thread Safety
 * Every member function may be called from any thread, concurrently.
 *
 * @code
 * int count_primes(int lo, int hi);
 * cf::process_pool_executor procs{{.max_workers = 4}};
 * cf::future<int> n = procs.submit(count_primes, 0, 1'000'000);
 * std::cout << n.result() << '\n';
 * @endcode
 */
class CONCURRENT_FUTURES_DECL process_pool_executor : public remote_executor {
public:
  /// Creates the pool; with `start_method::fork` it starts every worker.
  /**
   * @throws std::invalid_argument for `max_workers` or
   * `max_tasks_per_child` below 1, or `max_tasks_per_child` with
   * `start_method::fork`; std::logic_error for `start_method::fork` in a
   * program that runs more than one thread.
   */
  explicit process_pool_executor(process_pool_options options = {});

  /// Shuts down, waiting for every queued and running call.
  ~process_pool_executor() override;

  void shutdown(bool wait = true, bool cancel_futures = false) final;

  /// Python 3.14's `terminate_workers()`: `shutdown(false, true)`, then
  /// SIGTERM to every worker. Running calls fail with `broken_process_pool`.
  void terminate_workers();

  /// As `terminate_workers()`, with SIGKILL.
  void kill_workers();

  /// The most workers this pool will start.
  int max_workers() const noexcept;

  /// The process ids of the live workers.
  std::vector<int> worker_pids() const;

  /// How this pool starts its workers.
  concurrent::futures::start_method start_method() const noexcept;

private:
  void enqueue(detail::task_node& task) final;

  std::shared_ptr<detail::process::pool_core> core_;
};

} // namespace concurrent::futures

#endif
