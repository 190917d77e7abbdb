//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_EXECUTOR_HPP
#define CONCURRENT_FUTURES_EXECUTOR_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/future.hpp>
#include <concurrent/futures/map.hpp>

#include <concepts>
#include <memory>
#include <ranges>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace concurrent::futures {

/// What every executor of this library offers (Python's `Executor`).
/**
 * Code that should not care which pool runs its work holds an executor
 * through this base, e.g. a factory returning
 * `std::unique_ptr<cf::executor>` for "io" or "cpu" work. `submit` and
 * `map` are templates that build the task here and hand it to the pool.
 *
 * Destroying a concrete executor shuts it down and waits, as Python's
 * `with` block does.
 *
 * @par Thread Safety
 * `submit`, `map` and `shutdown` may be called from any thread, concurrently.
 */
class CONCURRENT_FUTURES_DECL executor {
public:
  executor(executor const&) = delete;
  executor& operator=(executor const&) = delete;
  virtual ~executor();

  /// Schedules `fn(args...)` and returns its future.
  /**
   * `fn` and `args` are decay-copied (use `std::ref` to pass a reference)
   * and destroyed as soon as the call returns. Whatever the call throws is
   * stored in the future.
   *
   * @returns A `future<R>`, R the call's result type with references and
   * cv-qualifiers removed.
   * @throws std::runtime_error "cannot schedule new futures after shutdown";
   * a `broken_executor` subclass once the executor is broken.
   */
  template <class F, class... Args>
  auto submit(F&& fn, Args&&... args) {
    static_assert(std::invocable<std::decay_t<F>, std::decay_t<Args>...>,
                  "submit(fn, args...): fn cannot be called with these arguments; "
                  "they are decay-copied and passed as rvalues (std::ref passes a "
                  "reference)");
    using R = detail::call_result_t<F, Args...>;
    auto* task = new detail::call_task<R, F, Args...>(std::forward<F>(fn),
                                                      std::forward<Args>(args)...);
    auto f = detail::future_access::adopt<R>(task);
    try {
      enqueue(*task);
    } catch (...) {
      task->abandon(nullptr);
      throw;
    }
    return f;
  }

  /// Python's `map(fn, *iterables)`: `fn` over the inputs taken in lockstep
  /// (up to the shortest), results in input order.
  /**
   * Submits every call before returning (or the first
   * `options.buffersize`, then one more each time the range advances).
   * `options.timeout` runs from this call.
   *
   * @returns A `map_range` of the results; see there for exceptions,
   * timeouts and cancellation.
   * @throws std::invalid_argument for `buffersize == 0`; what `submit`
   * throws.
   *
   * @code
   * for (int r : pool.map([](int x, int y) { return x * y; }, xs, ys, {.timeout = 5s}))
   *   std::cout << r << '\n';
   * @endcode
   */
  template <class F, std::ranges::input_range R1>
  auto map(F&& fn, R1&& r1, map_options const& options = {}) {
    return map_impl(options, std::forward<F>(fn), std::forward<R1>(r1));
  }

  /// `map` over two inputs.
  template <class F, std::ranges::input_range R1, std::ranges::input_range R2>
  auto map(F&& fn, R1&& r1, R2&& r2, map_options const& options = {}) {
    return map_impl(options, std::forward<F>(fn), std::forward<R1>(r1),
                    std::forward<R2>(r2));
  }

  /// `map` over three inputs.
  template <class F, std::ranges::input_range R1, std::ranges::input_range R2,
            std::ranges::input_range R3>
  auto map(F&& fn, R1&& r1, R2&& r2, R3&& r3, map_options const& options = {}) {
    return map_impl(options, std::forward<F>(fn), std::forward<R1>(r1),
                    std::forward<R2>(r2), std::forward<R3>(r3));
  }

  /// `map` over four inputs.
  template <class F, std::ranges::input_range R1, std::ranges::input_range R2,
            std::ranges::input_range R3, std::ranges::input_range R4>
  auto map(F&& fn, R1&& r1, R2&& r2, R3&& r3, R4&& r4, map_options const& options = {}) {
    return map_impl(options, std::forward<F>(fn), std::forward<R1>(r1),
                    std::forward<R2>(r2), std::forward<R3>(r3), std::forward<R4>(r4));
  }

  /// Stops taking work and releases the executor's resources.
  /**
   * Idempotent. Afterwards `submit` and `map` throw.
   *
   * @param wait Block until every queued and running task has finished and
   * the workers have exited. If false, return at once; queued work still
   * runs.
   * @param cancel_futures Cancel the tasks that have not started. Unlike
   * CPython, their futures are also notified, so `wait()` and
   * `as_completed()` see them as done.
   */
  virtual void shutdown(bool wait = true, bool cancel_futures = false) = 0;

protected:
  executor() = default;

  /// Queues a task and takes it over; throws without taking it over when
  /// the executor cannot accept work.
  virtual void enqueue(detail::task_node& task) = 0;

  /// True when `map` should send `chunksize` inputs per call (a process
  /// pool); a thread pool ignores chunksize, as Python's does.
  virtual bool maps_in_chunks() const noexcept { return false; }

private:
  template <class F, class... Rs>
  auto map_impl(map_options const& options, F&& fn, Rs&&... ranges) {
    static_assert(
        std::invocable<std::decay_t<F>&, std::ranges::range_reference_t<Rs>...>,
        "map(fn, ranges...): fn cannot be called with one element of each range");
    using R = detail::call_result_t<F, std::ranges::range_reference_t<Rs>...>;
    if (maps_in_chunks()) {
      if (options.chunksize < 1)
        throw std::invalid_argument("chunksize must be >= 1, not " +
                                    std::to_string(options.chunksize));
      if (options.chunksize > 1) {
        using source = detail::chunk_source<R, executor, std::decay_t<F>, Rs...>;
        return map_range<R>(std::make_unique<source>(*this, options.chunksize,
                                                     std::forward<F>(fn),
                                                     std::forward<Rs>(ranges)...),
                            options);
      }
    }
    using source = detail::zip_source<R, executor, std::decay_t<F>, Rs...>;
    return map_range<R>(
        std::make_unique<source>(*this, std::forward<F>(fn), std::forward<Rs>(ranges)...),
        options);
  }
};

} // namespace concurrent::futures

#endif
