//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_PROCESS_POOL_EXECUTOR_HPP
#define CONCURRENT_FUTURES_PROCESS_POOL_EXECUTOR_HPP

#include <concurrent/futures/codec.hpp>
#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/detail/wire/call.hpp>
#include <concurrent/futures/detail/wire/parameter_types.hpp>
#include <concurrent/futures/detail/wire/seam.hpp>
#include <concurrent/futures/exceptions.hpp>
#include <concurrent/futures/executor.hpp>

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
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

/// Something to run first in every worker process: a free function, a
/// captureless lambda or a function object whose fields have a codec, with
/// the arguments to call it with (Python's `initializer` and `initargs`).
/**
 * @code
 * void open_db(std::string const& path);
 * cf::process_pool_executor procs{{.initializer = {open_db, "cache.sqlite"}}};
 * @endcode
 * The callable and the arguments are encoded here, once; an argument with
 * no codec is converted to its parameter's type where that has one, as
 * `submit` does.
 */
class process_initializer {
public:
  process_initializer() = default;

  template <class F, class... Args>
  requires(!std::is_same_v<std::remove_cvref_t<F>, process_initializer>)
      process_initializer(F&& fn,
                          Args&&... args) // NOLINT: converts, as std::function does
  {
    encode(std::index_sequence_for<Args...>{}, std::forward<F>(fn),
           std::forward<Args>(args)...);
  }

  explicit operator bool() const noexcept { return !message_.empty(); }
  std::vector<std::byte> const& message() const noexcept { return message_; }

private:
  template <std::size_t... I, class F, class... Args>
  void encode(std::index_sequence<I...>, F&& fn, Args&&... args) {
    using Fd = std::decay_t<F>;
    using call =
        detail::bound_call<Fd, typename detail::wire_argument<Fd, I, Args>::type...>;
    static_assert(
        std::is_invocable_v<Fd, typename detail::wire_argument<Fd, I, Args>::type...>,
        "initializer: cannot be called with these arguments");
    detail::call_wire<call>::require();
    Fd const f(std::forward<F>(fn));
    detail::encode_call(message_, f,
                        detail::as_wire_argument<Fd, I>(std::forward<Args>(args))...);
  }

  std::vector<std::byte> message_;
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
class CONCURRENT_FUTURES_DECL process_pool_executor : public executor {
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

  /// Schedules `fn(args...)` in a worker and returns its future.
  /**
   * `fn` and `args` are encoded at once (a codec that throws fails only
   * this future) and dropped. Where `fn`'s parameter types are known (a
   * function, or a class with one non-template `operator()`), an argument
   * with no codec is first converted to its parameter's type if that has
   * one: `submit(len, "hello")` sends the `std::string` that
   * `len(std::string const&)` takes.
   *
   * @throws std::runtime_error after shutdown; `broken_process_pool` once
   * broken.
   */
  template <class F, class... Args, class Seam = detail::this_tu>
  requires(!detail::is_priority_v<std::remove_cvref_t<F>> &&
           !detail::is_after_v<std::remove_cvref_t<F>>) auto submit(F&& fn,
                                                                    Args&&... args) {
    return submit_remote<Seam>(0, std::index_sequence_for<Args...>{}, std::forward<F>(fn),
                               std::forward<Args>(args)...);
  }

  /// Schedules `fn(args...)` in a worker with a priority (see
  /// `executor::submit(priority, fn, args...)`).
  /**
   * Orders the calls waiting in the pool; the calls already handed to
   * workers (at most two per worker) are not overtaken.
   *
   * @throws As `submit(fn, args...)`.
   */
  template <class F, class... Args, class Seam = detail::this_tu>
  requires(!detail::is_after_v<std::remove_cvref_t<F>>) auto submit(priority p, F&& fn,
                                                                    Args&&... args) {
    return submit_remote<Seam>(p.value, std::index_sequence_for<Args...>{},
                               std::forward<F>(fn), std::forward<Args>(args)...);
  }

  /// Schedules `fn(parent values..., args...)` in a worker once every
  /// parent has succeeded (see `executor::submit(after, fn, args...)`).
  /**
   * The parents' values travel with the call, so their types need a codec
   * too; that is checked when this compiles.
   */
  template <class Parents, class F, class... Args, class Seam = detail::this_tu>
  requires(!detail::is_priority_v<std::remove_cvref_t<F>>) auto submit(
      after_t<Parents> parents, F&& fn, Args&&... args) {
    return submit_remote_after<Seam>(0, std::index_sequence_for<Args...>{},
                                     std::move(parents), std::forward<F>(fn),
                                     std::forward<Args>(args)...);
  }

  /// As above, queued with a priority when the parents have succeeded.
  template <class Parents, class F, class... Args, class Seam = detail::this_tu>
  auto submit(after_t<Parents> parents, priority p, F&& fn, Args&&... args) {
    return submit_remote_after<Seam>(p.value, std::index_sequence_for<Args...>{},
                                     std::move(parents), std::forward<F>(fn),
                                     std::forward<Args>(args)...);
  }

  /// The same, the priority first: both orders mean one thing.
  template <class Parents, class F, class... Args, class Seam = detail::this_tu>
  auto submit(priority p, after_t<Parents> parents, F&& fn, Args&&... args) {
    return submit_remote_after<Seam>(p.value, std::index_sequence_for<Args...>{},
                                     std::move(parents), std::forward<F>(fn),
                                     std::forward<Args>(args)...);
  }

  using executor::map;

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
  // Compile errors name what has no codec (the callable, an argument, the
  // result) before anything is queued.
  template <class Seam, std::size_t... I, class F, class... Args>
  auto submit_remote(int rank, std::index_sequence<I...>, F&& fn, Args&&... args) {
    using call = detail::bound_call<
        F, typename detail::wire_argument<std::decay_t<F>, I, Args>::type...>;
    detail::call_wire<call>::require();
    return submit_ranked<Seam>(
        rank, std::forward<F>(fn),
        detail::as_wire_argument<F, I>(std::forward<Args>(args))...);
  }

  // The parents' values come first in the call, so an argument's parameter
  // is found past them.
  template <class Seam, std::size_t... I, class Parents, class F, class... Args>
  auto submit_remote_after(int rank, std::index_sequence<I...>, after_t<Parents> parents,
                           F&& fn, Args&&... args) {
    constexpr std::size_t first =
        std::tuple_size_v<typename detail::parents_traits<Parents>::values>;
    using call = detail::dependent_call<
        Parents, std::decay_t<F>,
        typename detail::wire_argument<std::decay_t<F>, first + I, Args>::type...>;
    detail::call_wire<call>::require();
    return submit_after<Seam>(
        rank, std::move(parents), std::forward<F>(fn),
        detail::as_wire_argument<F, first + I>(std::forward<Args>(args))...);
  }

  void enqueue(detail::task_node& task) final;
  bool calls_cross_processes() const noexcept final { return true; }

  std::shared_ptr<detail::process::pool_core> core_;
};

/// Makes exceptions of type `E` thrown in a worker arrive as `E` (built from
/// their `what()`) instead of `remote_error`.
/**
 * Call it in the program before the exception can arrive; the worker needs
 * nothing. E must derive from std::exception and be constructible from a
 * `std::string` or `char const*`.
 */
template <class E>
void register_exception_type() {
  static_assert(std::is_base_of_v<std::exception, E>,
                "register_exception_type<E>: E must derive from std::exception");
  static_assert(std::is_constructible_v<E, std::string const&> ||
                    std::is_constructible_v<E, char const*>,
                "register_exception_type<E>: E must be constructible from its what() "
                "(std::string or char const*)");
  detail::register_exception_factory(typeid(E), [](std::string const& what) {
    if constexpr (std::is_constructible_v<E, std::string const&>)
      return std::make_exception_ptr(E(what));
    else
      return std::make_exception_ptr(E(what.c_str()));
  });
}

} // namespace concurrent::futures

#endif
