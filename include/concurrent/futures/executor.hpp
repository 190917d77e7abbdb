//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_EXECUTOR_HPP
#define CONCURRENT_FUTURES_EXECUTOR_HPP

#include <concurrent/futures/after.hpp>
#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/dependent_task.hpp>
#include <concurrent/futures/detail/remote_seam.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/future.hpp>
#include <concurrent/futures/map.hpp>

#include <concepts>
#include <memory>
#include <ranges>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace concurrent::futures {

namespace detail {
template <class T>
inline constexpr bool is_priority_v = false;
} // namespace detail

/// The priority of a submitted call: `pool.submit(cf::priority{5}, fn, args...)`.
/**
 * Among the calls of one executor that have not started, a higher `value`
 * starts first; equal values start in submission order. The default, and
 * what a plain `submit` and `map` give, is 0, as is the priority of an Asio
 * handler posted to a `thread_pool_executor`; negative values start after
 * them. A call already handed to a worker is exempt: a thread that took it,
 * or one of the calls a process pool has sent to its workers (at most two
 * per worker: one running, one waiting). Priorities order the queue; they
 * never preempt a running call.
 */
struct priority {
  /// Higher starts first; 0 is a plain `submit`'s.
  int value = 0;
};

namespace detail {
template <>
inline constexpr bool is_priority_v<priority> = true;
} // namespace detail

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
 * A call that may reach a process pool through this base is encoded by code
 * made where it is submitted: include
 * `<concurrent/futures/process_pool_executor.hpp>` (or the umbrella
 * header) in that translation unit. Without it, a process pool refuses the
 * call with std::invalid_argument saying so; a thread pool never needs it.
 * (The `Seam` template parameter names the translation unit for this;
 * leave it defaulted. A derived executor whose calls never cross passes
 * `detail::local_only`.)
 *
 * @par Thread Safety
 * `submit`, `map` and `shutdown` may be called from any thread, concurrently.
 */
class CONCURRENT_FUTURES_DECL executor {
public:
  executor(executor const&) = delete;
  executor& operator=(executor const&) = delete;
  /// Virtual, so a pool may be owned through this base; the pool's own
  /// destructor shuts it down first.
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
  template <class Seam = detail::this_tu, class F, class... Args>
  requires(!detail::is_priority_v<std::remove_cvref_t<F>> &&
           !detail::is_after_v<std::remove_cvref_t<F>>) auto submit(F&& fn,
                                                                    Args&&... args) {
    return submit_ranked<Seam>(0, std::forward<F>(fn), std::forward<Args>(args)...);
  }

  /// Schedules `fn(args...)` with a priority and returns its future.
  /**
   * As `submit(fn, args...)`, except where the call waits: among the calls
   * not started yet, a higher `p.value` starts first and equal values keep
   * submission order (see `priority`). A call already handed to a worker is
   * not overtaken; a running one is never interrupted. Priority 0 is the
   * plain `submit`.
   *
   * @param p The call's priority; any `int`, negative ones after the
   * default 0.
   * @param fn, args The call, as `submit(fn, args...)`.
   * @returns A `future<R>`, as `submit`.
   * @throws What `submit` throws; std::bad_alloc if the queue cannot make
   * room for a priority it does not hold yet (the call is then not queued).
   *
   * @par Thread Safety
   * As `submit`: any thread, concurrently. Calls submitted concurrently
   * with one priority start in the order in which the executor received them.
   *
   * @code
   * cf::thread_pool_executor pool{{.max_workers = 4}};
   * auto report = pool.submit(cf::priority{-1}, build_report, day); // when idle
   * auto reply = pool.submit(cf::priority{10}, answer, request);    // before others
   * @endcode
   */
  template <class Seam = detail::this_tu, class F, class... Args>
  requires(!detail::is_after_v<std::remove_cvref_t<F>>) auto submit(priority p, F&& fn,
                                                                    Args&&... args) {
    return submit_ranked<Seam>(p.value, std::forward<F>(fn), std::forward<Args>(args)...);
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
  template <class F, std::ranges::input_range R1, class Seam = detail::this_tu>
  auto map(F&& fn, R1&& r1, map_options const& options = {}) {
    return map_impl<Seam>(options, std::forward<F>(fn), std::forward<R1>(r1));
  }

  /// `map` over two inputs.
  template <class F, std::ranges::input_range R1, std::ranges::input_range R2,
            class Seam = detail::this_tu>
  auto map(F&& fn, R1&& r1, R2&& r2, map_options const& options = {}) {
    return map_impl<Seam>(options, std::forward<F>(fn), std::forward<R1>(r1),
                          std::forward<R2>(r2));
  }

  /// `map` over three inputs.
  template <class F, std::ranges::input_range R1, std::ranges::input_range R2,
            std::ranges::input_range R3, class Seam = detail::this_tu>
  auto map(F&& fn, R1&& r1, R2&& r2, R3&& r3, map_options const& options = {}) {
    return map_impl<Seam>(options, std::forward<F>(fn), std::forward<R1>(r1),
                          std::forward<R2>(r2), std::forward<R3>(r3));
  }

  /// `map` over four inputs.
  template <class F, std::ranges::input_range R1, std::ranges::input_range R2,
            std::ranges::input_range R3, std::ranges::input_range R4,
            class Seam = detail::this_tu>
  auto map(F&& fn, R1&& r1, R2&& r2, R3&& r3, R4&& r4, map_options const& options = {}) {
    return map_impl<Seam>(options, std::forward<F>(fn), std::forward<R1>(r1),
                          std::forward<R2>(r2), std::forward<R3>(r3),
                          std::forward<R4>(r4));
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

  /// Schedules `fn(parent values..., args...)` to run once every future in
  /// `parents` has succeeded, and returns its future at once.
  /**
   * The dependent task waits without occupying a worker. When the last
   * parent succeeds it is queued here (with its priority, if one is given)
   * and runs as any submitted call. Each parent's value is passed as
   * `T const&` in the order given (none for a `future<void>`); a
   * `cf::after(std::vector<future<T>>)` passes one `std::vector<T>`. In a
   * process pool the values are encoded with the call, so they need a codec.
   *
   * - A parent fails: the task does not run and its future fails with the
   *   same exception (the first parent to fail, if several do).
   * - A parent is cancelled: the task does not run and is cancelled.
   * - Cancelling the task while it waits succeeds at once. Because it is
   *   cancelled, every task that depends on it is cancelled in turn: a
   *   `cancel()` cascades down, transitively, through the tasks that have
   *   not started. A task that already runs cannot be cancelled, so a failed
   *   `cancel()` cancels nothing below it.
   *
   * `shutdown(wait=true)`, and so the destructor, also waits for the
   * dependent tasks that still wait for their parents (which may run on
   * other executors); `shutdown(cancel_futures=true)` cancels them. After
   * `shutdown(wait=false)` a task whose parents succeed later fails with
   * std::runtime_error instead of running.
   *
   * A cascade runs the callbacks of each level inside the previous one's,
   * so a chain thousands of levels deep needs as deep a stack.
   *
   * @returns A `future<R>`, R the call's result type.
   * @throws std::runtime_error "cannot schedule new futures after shutdown";
   * std::invalid_argument when a process pool reached through this base
   * cannot run the call (see `submit`).
   *
   * @par Thread Safety
   * As `submit`. The parents may be completed on any thread; the task is
   * queued from the thread that completes the last one.
   *
   * @code
   * auto raw = io.submit(download, url);
   * auto img = cpu.submit(cf::after(raw), decode);           // decode(raw's bytes)
   * auto both = cpu.submit(cf::after(img, meta), cf::priority{5}, merge);
   * // or cpu.submit(cf::priority{5}, cf::after(img, meta), merge)
   * raw.cancel();   // not started yet: img and both are cancelled too
   * @endcode
   */
  template <class Seam = detail::this_tu, class Parents, class F, class... Args>
  requires(!detail::is_priority_v<std::remove_cvref_t<F>>) auto submit(
      after_t<Parents> parents, F&& fn, Args&&... args) {
    return submit_after<Seam>(0, std::move(parents), std::forward<F>(fn),
                              std::forward<Args>(args)...);
  }

  /// `submit(after, fn, args...)` with a priority for when it is queued.
  template <class Seam = detail::this_tu, class Parents, class F, class... Args>
  auto submit(after_t<Parents> parents, priority p, F&& fn, Args&&... args) {
    return submit_after<Seam>(p.value, std::move(parents), std::forward<F>(fn),
                              std::forward<Args>(args)...);
  }

  /// The same, the priority first: both orders mean one thing.
  template <class Seam = detail::this_tu, class Parents, class F, class... Args>
  auto submit(priority p, after_t<Parents> parents, F&& fn, Args&&... args) {
    return submit_after<Seam>(p.value, std::move(parents), std::forward<F>(fn),
                              std::forward<Args>(args)...);
  }

protected:
  /// For derived executors: one with no dependent task yet.
  executor();

  /// For `shutdown`: stops taking dependent tasks, cancels the waiting ones
  /// if `cancel_futures`, and with `wait` waits until none waits for its
  /// parents. Call it before the pool itself stops taking work.
  void close_dependents(bool wait, bool cancel_futures);

  /// Queues a task and takes it over; throws without taking it over when
  /// the executor cannot accept work.
  virtual void enqueue(detail::task_node& task) = 0;

  /// Queues the tasks in order and takes every one over: if it throws, the
  /// ones it did not queue have been abandoned (their futures cancelled).
  /// `map` queues its calls this way, a batch at a time; by default one
  /// `enqueue` each, and a pool that can queue a batch under one lock
  /// overrides it.
  virtual void enqueue_all(std::span<detail::task_node* const> tasks);

  /// True when calls run in other processes (a process pool): `map` then
  /// sends `chunksize` inputs per call (a thread pool ignores chunksize, as
  /// Python's does), and a dependent call, queued only later, is checked for
  /// codecs when submitted. Such a pool refuses a task without
  /// `task_node::remote` (see `detail/remote_seam.hpp`).
  virtual bool calls_cross_processes() const noexcept { return false; }

  /// What `submit(after, ...)` does, for a derived executor that checks a
  /// call before it is queued (`remote_executor` checks codecs); `rank` is
  /// the priority, `Seam` as in `submit`.
  template <class Seam, class Parents, class F, class... Args>
  auto submit_after(int rank, after_t<Parents> parents, F&& fn, Args&&... args) {
    if constexpr (detail::check_dependent_call<
                      F, typename detail::parents_traits<Parents>::values, Args...>()) {
      using task_type =
          detail::dependent_task<Parents, std::decay_t<F>, std::decay_t<Args>...>;
      using R = typename task_type::call::result_type;
      // Checked now: the task is queued only when its parents are done.
      if (calls_cross_processes())
        detail::wire_seam<Seam>::template require<task_type>();
      auto* task = new task_type(dependents_, std::move(parents).release(),
                                 std::forward<F>(fn), std::forward<Args>(args)...);
      auto f = detail::future_access::adopt<R>(task);
      task->priority = rank;
      task->remote = detail::wire_seam<Seam>::template ops<task_type>();
      task->start();
      return f;
    }
  }

  /// What `submit(fn, args...)` and `submit(priority, ...)` do, for a
  /// derived executor that checks a call first; `rank` is the priority.
  template <class Seam, class F, class... Args>
  auto submit_ranked(int rank, F&& fn, Args&&... args) {
    if constexpr (detail::check_submit_call<F, Args...>()) {
      auto [task, f] =
          make_call<Seam>(rank, std::forward<F>(fn), std::forward<Args>(args)...);
      try {
        enqueue(*task);
      } catch (...) {
        task->abandon(nullptr);
        throw;
      }
      return std::move(f);
    }
  }

  /// A call's task, not yet queued, and its future: `submit_ranked`
  /// without the `enqueue`.
  template <class Seam, class F, class... Args>
  auto make_call(int rank, F&& fn, Args&&... args) {
    using R = detail::call_result_t<F, Args...>;
    using task_type = detail::call_task<R, F, Args...>;
    auto* task = new task_type(std::forward<F>(fn), std::forward<Args>(args)...);
    auto f = detail::future_access::adopt<R>(task);
    task->priority = rank;
    task->remote = detail::wire_seam<Seam>::template ops<task_type>();
    return std::pair<detail::task_node*, future<R>>(task, std::move(f));
  }

  /// What every `map` does: chunks the inputs when calls cross processes.
  template <class Seam, class F, class... Rs>
  auto map_impl(map_options const& options, F&& fn, Rs&&... ranges) {
    static_assert(
        std::invocable<std::decay_t<F>&, std::ranges::range_reference_t<Rs>...>,
        "map(fn, ranges...): fn cannot be called with one element of each range");
    using R = detail::call_result_t<F, std::ranges::range_reference_t<Rs>...>;
    // Python's ProcessPoolExecutor.map sends chunksize inputs per call; a
    // thread pool ignores chunksize, as Python's does.
    auto submit = [this](auto&&... a) {
      return submit_ranked<Seam>(0, std::forward<decltype(a)>(a)...);
    };
    if (calls_cross_processes()) {
      if (options.chunksize < 1)
        throw std::invalid_argument("chunksize must be >= 1, not " +
                                    std::to_string(options.chunksize));
      if (options.chunksize > 1) {
        if constexpr (detail::wire_seam<Seam>::visible) {
          return map_range<R>(detail::wire_seam<Seam>::template chunked_source<R>(
                                  submit, options.chunksize, std::forward<F>(fn),
                                  std::forward<Rs>(ranges)...),
                              options);
        } else {
          detail::throw_wire_not_visible();
        }
      }
    }
    // One input per call: built a batch at a time, then queued together.
    auto make = [this](auto&&... a) {
      return make_call<Seam>(0, std::forward<decltype(a)>(a)...);
    };
    auto queue = [this](std::span<detail::task_node* const> tasks) {
      enqueue_all(tasks);
    };
    using source =
        detail::zip_source<R, decltype(make), decltype(queue), std::decay_t<F>, Rs...>;
    return map_range<R>(std::make_unique<source>(make, queue, std::forward<F>(fn),
                                                 std::forward<Rs>(ranges)...),
                        options);
  }

private:
  friend class detail::dependent_gate;

  std::shared_ptr<detail::dependent_gate> dependents_;
};

} // namespace concurrent::futures

#endif
