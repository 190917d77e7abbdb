//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_RUN_IN_EXECUTOR_HPP
#define CONCURRENT_FUTURES_RUN_IN_EXECUTOR_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/executor.hpp>
#include <concurrent/futures/future.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/asio/execution_context.hpp>

#include <concepts>
#include <memory>
#include <type_traits>
#include <utility>

#if defined(BOOST_ASIO_HAS_CO_AWAIT)
#include <boost/asio/awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#endif

namespace concurrent::futures {

/// The default executor of an Asio execution context (asyncio's default
/// executor): a `thread_pool_executor`, created on first use.
/**
 * It lives as a service of `context` (usually an `asio::io_context`): when
 * the context is destroyed, its services shut down, and the default executor
 * with them, after the asynchronous waits of that context were unlinked.
 * That shutdown waits for the tasks already submitted, as `asyncio.run()`
 * does, so no work is lost.
 *
 * @returns The executor set with `set_default_executor`, else the one
 * created here with Python's defaults (`min(32, cores + 4)` threads, named
 * `cf_default_<i>`).
 * @throws std::runtime_error "Executor shutdown has been called" after
 * `shutdown_default_executor(context)`.
 * @par Thread Safety
 * Safe to call from any thread.
 */
CONCURRENT_FUTURES_DECL thread_pool_executor&
default_executor(boost::asio::execution_context& context);

/// Replaces the default executor of `context` (asyncio's
/// `set_default_executor`).
/**
 * The context shares ownership: the executor stays alive at least as long
 * as the context. One that this library created is shut down and
 * destroyed, waiting for its tasks.
 *
 * @throws std::invalid_argument if `executor` is null.
 * @par Thread Safety
 * Safe to call from any thread, also while others use the default
 * executor: they keep the one they already hold.
 */
CONCURRENT_FUTURES_DECL void
set_default_executor(boost::asio::execution_context& context,
                     std::shared_ptr<thread_pool_executor> executor);

/// Shuts down the default executor of `context` and waits for its tasks
/// (asyncio's `shutdown_default_executor`); later use throws. Blocks: call
/// it from outside the context's threads, or through `to_thread`.
/**
 * @par Thread Safety
 * Safe to call from any thread; idempotent.
 */
CONCURRENT_FUTURES_DECL void
shutdown_default_executor(boost::asio::execution_context& context);

/// Offloads `fn(args...)` to `executor` now and returns its future
/// (asyncio's `loop.run_in_executor`).
/**
 * `co_await` the result in an `asio::awaitable`: the coroutine resumes on
 * its own executor (an `io_context` thread, never a pool thread) with the
 * value, or with `fn`'s exception thrown. No thread blocks while it waits.
 * The call is submitted here, before any `co_await`, so several started in a
 * row run concurrently:
 *
 * @code
 * auto a = cf::run_in_executor(pool, read_file, "a.txt");
 * auto b = cf::run_in_executor(pool, read_file, "b.txt");
 * std::string text = co_await a + co_await b;   // both were already running
 * @endcode
 *
 * Cancelling the awaiting coroutine (e.g. the loser of `||` in
 * `asio::experimental::awaitable_operators`) cancels the call if it has not
 * started; a call already running finishes and its result is dropped.
 * `co_await std::move(f)` (or the prvalue directly) moves the value out, so
 * move-only results work; `fn` and `args` may be move-only too.
 *
 * @param executor Any executor of this library (`cf::executor`).
 * @param fn, args The call, decay-copied as `executor.submit` takes them.
 * @returns `cf::future<R>`, R the call's decayed result type.
 * @par Thread Safety
 * As `executor.submit`: safe from any thread.
 * @throws what `executor.submit` throws (shut down, broken).
 */
template <class Executor, class F, class... Args, class Seam = detail::this_tu>
requires std::derived_from<Executor, executor>
auto run_in_executor(Executor& executor, F&& fn, Args&&... args) {
  return executor.submit(std::forward<F>(fn), std::forward<Args>(args)...);
}

namespace detail {

// `Seam` keeps each translation unit's submits its own (remote_seam.hpp).
template <class Executor, class Seam = this_tu>
struct initiate_run_in_executor {
  Executor* executor;

  template <class Handler, class F>
  void operator()(Handler&& handler, F&& fn) const {
    using R = call_result_t<F>;
    initiate_future_wait<R>{}(std::forward<Handler>(handler),
                              executor->submit(std::forward<F>(fn)), true);
  }
};

template <class Executor, class Seam>
struct is_future_initiation<initiate_run_in_executor<Executor, Seam>> : std::true_type {};

} // namespace detail

/// Runs `fn()` on `executor` and completes on the caller's side: the
/// token-taking form of `run_in_executor`.
/**
 * Submitted when the operation is initiated (for lazy tokens such as
 * `asio::deferred` or `asio::use_awaitable`, when it is launched or
 * awaited). Bind arguments into `fn` with `std::bind_front`, or a lambda
 * named before the `co_await` (g++ 12 destroys a capturing lambda twice when
 * it is a temporary inside a `co_await` expression).
 *
 * @par Completion Signature
 * `void(std::exception_ptr, R)` (`void(std::exception_ptr)` if R is void):
 * `fn`'s exception, or `cancelled_error`, or null and the result, moved
 * out. See `future<T>::async_wait` for the executor the handler runs on.
 *
 * @par Per-Operation Cancellation
 * As `future<T>::async_wait`: a call not started is cancelled; a running
 * one is left to finish when the type is terminal or partial.
 *
 * @throws What `executor.submit` throws, from the initiation.
 *
 * @par Thread Safety
 * As `executor.submit`: safe from any thread.
 *
 * @code
 * cf::async_run_in_executor(pool, [] { return count_primes(1'000'000); },
 *     asio::bind_executor(ioc, [](std::exception_ptr e, int n) { ... }));
 * @endcode
 */
template <class Executor, class F,
          BOOST_ASIO_COMPLETION_TOKEN_FOR(
              typename detail::future_signature<detail::call_result_t<F>>::type) Token,
          class Seam = detail::this_tu>
requires std::derived_from<Executor, executor>
auto async_run_in_executor(Executor& executor, F&& fn, Token&& token) {
  using R = detail::call_result_t<F>;
  return boost::asio::async_initiate<Token, typename detail::future_signature<R>::type>(
      detail::initiate_run_in_executor<Executor, Seam>{&executor}, token,
      std::forward<F>(fn));
}

#if defined(BOOST_ASIO_HAS_CO_AWAIT)

namespace detail {

template <class Seam, class Fn, class... Args>
boost::asio::awaitable<call_result_t<Fn, Args...>> run_on_default(Fn fn, Args... args) {
  auto ex = co_await boost::asio::this_coro::executor;
  auto& pool =
      futures::default_executor(boost::asio::query(ex, boost::asio::execution::context));
  co_return co_await pool.submit(std::move(fn), std::move(args)...);
}

} // namespace detail

/// Runs `fn(args...)` on the default executor of the awaiting coroutine's
/// execution context and resumes with the result (`asyncio.to_thread`).
/**
 * With g++ 12, do not write a capturing lambda as a temporary inside the
 * `co_await` expression (`co_await cf::to_thread([s] {...})`): that compiler
 * destroys it twice. Pass arguments through `args`, or name the lambda.
 *
 * Like Python's, this is a coroutine: nothing is submitted until it is
 * awaited. `fn` and `args` are decay-copied into it. To start several
 * before awaiting any, use `run_in_executor(cf::default_executor(ctx), ...)`.
 *
 * @returns `asio::awaitable<R>`; throws `fn`'s exception, `cancelled_error`
 * if the coroutine is cancelled before `fn` starts, or what
 * `default_executor` throws.
 *
 * @par Per-Operation Cancellation
 * As `run_in_executor`: cancelling the awaiting coroutine cancels `fn` if it
 * has not started; a running `fn` finishes and its result is dropped.
 *
 * @code
 * std::string text = co_await cf::to_thread(read_file, "big.log");
 * @endcode
 */
template <class F, class... Args, class Seam = detail::this_tu>
auto to_thread(F&& fn, Args&&... args) {
  static_assert(std::invocable<std::decay_t<F>, std::decay_t<Args>...>,
                "to_thread(fn, args...): fn cannot be called with these arguments; "
                "they are decay-copied and passed as rvalues");
  return detail::run_on_default<Seam>(std::decay_t<F>(std::forward<F>(fn)),
                                      std::decay_t<Args>(std::forward<Args>(args))...);
}

/// `run_in_executor` without an executor: Python's
/// `loop.run_in_executor(None, fn, *args)`, the same as `to_thread`.
template <class F, class... Args, class Seam = detail::this_tu>
requires(!std::derived_from<std::remove_cvref_t<F>, executor>) auto run_in_executor(
    F&& fn, Args&&... args) {
  return to_thread(std::forward<F>(fn), std::forward<Args>(args)...);
}

#endif // BOOST_ASIO_HAS_CO_AWAIT

} // namespace concurrent::futures

#endif
