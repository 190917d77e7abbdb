//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_WAIT_HPP
#define CONCURRENT_FUTURES_WAIT_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/future_handle.hpp>
#include <concurrent/futures/future.hpp>
#include <concurrent/futures/return_when.hpp>

#include <boost/asio/async_result.hpp>

#include <cstddef>
#include <initializer_list>
#include <span>
#include <unordered_set>
#include <vector>

namespace concurrent::futures {

/// Options of `wait()`.
struct wait_options {
  /// Seconds to wait at most; empty waits as long as it takes.
  timeout_type timeout = {};
  /// When to return.
  futures::return_when return_when = return_when::all_completed;
};

/// What `wait()` returns (Python's `DoneAndNotDoneFutures`): two sets.
/**
 * `done` holds the futures that finished or were cancelled and notified,
 * `not_done` the others; each future appears once, whatever the input held.
 */
template <class Future>
struct done_and_not_done {
  /// Finished, or cancelled and notified.
  std::unordered_set<Future> done;
  /// Pending or running when `wait()` returned.
  std::unordered_set<Future> not_done;
};

namespace detail {

/// Throws std::invalid_argument for a `return_when` outside the enum.
[[noreturn]] CONCURRENT_FUTURES_DECL void throw_invalid_return_when(return_when value);

/// Blocks as `wait()` does; sets `done[i]` for every settled `states[i]`.
CONCURRENT_FUTURES_DECL void wait_states(std::span<shared_state_base* const> states,
                                         wait_options const& options,
                                         std::vector<char>& done);

template <class Future, class R>
done_and_not_done<Future> wait_range(R&& futures, wait_options const& options) {
  unique_futures<Future> u(std::forward<R>(futures));
  std::vector<char> done;
  wait_states(u.states, options, done);
  done_and_not_done<Future> result;
  result.done.reserve(u.futures.size());
  for (std::size_t i = 0; i < u.futures.size(); ++i)
    (done[i] ? result.done : result.not_done).insert(std::move(u.futures[i]));
  return result;
}

} // namespace detail

/// Waits for futures, Python's `concurrent.futures.wait()`.
/**
 * Returns when `options.return_when` is met or the timeout passes, whichever
 * is first. A timeout is not an error: the sets then show what finished.
 * A future counts as done once it finished or was cancelled and notified
 * (a future merely `cancel()`led stays in `not_done` until its executor
 * notices, as in Python; this library's executors always notice).
 * Duplicates are reported once. Futures may come from any executors and
 * from promises; mix value types through `cf::any_future`.
 *
 * @param futures A range of `cf::future<T>` or `cf::any_future`.
 * @param options `{.timeout = 5s, .return_when = cf::first_completed}`.
 * @returns `{done, not_done}`, sets of the range's future type.
 * @throws std::invalid_argument for a `return_when` outside the enum (only
 * when it would have to wait, as in Python).
 *
 * @par Thread Safety
 * Safe to call from many threads on the same futures.
 *
 * @code
 * auto [done, not_done] = cf::wait(futs, {.timeout = 5s,
 *                                         .return_when = cf::first_completed});
 * @endcode
 */
template <future_range R>
done_and_not_done<std::remove_cvref_t<std::ranges::range_value_t<R>>>
wait(R&& futures, wait_options const& options = {}) {
  return detail::wait_range<std::remove_cvref_t<std::ranges::range_value_t<R>>>(
      std::forward<R>(futures), options);
}

/// `cf::wait({f, g, h}, options)`.
template <class T>
done_and_not_done<future<T>> wait(std::initializer_list<future<T>> futures,
                                  wait_options const& options = {}) {
  return detail::wait_range<future<T>>(futures, options);
}

/// `cf::wait({f, g}, options)` with futures of different value types.
inline done_and_not_done<any_future> wait(std::initializer_list<any_future> futures,
                                          wait_options const& options = {}) {
  return detail::wait_range<any_future>(futures, options);
}

namespace detail {
template <class Future>
struct initiate_set_wait;
template <class R>
using range_future_t = std::remove_cvref_t<std::ranges::range_value_t<R>>;
template <class R>
using set_wait_signature = void(std::exception_ptr, done_and_not_done<range_future_t<R>>);
} // namespace detail

/// Waits asynchronously for futures: the asynchronous form of `wait()`.
/**
 * Completes when `options.return_when` is met or `options.timeout` passes
 * (a timeout is not an error: the sets show what settled, as in Python).
 * No thread blocks. The futures are taken when this is called (the range
 * need not outlive the operation); duplicates are reported once.
 *
 * @param futures A range of `cf::future<T>` or `cf::any_future`.
 * @param options `{.timeout, .return_when}`, or just a `return_when`.
 * @param token Any completion token.
 *
 * @par Completion Signature
 * `void(std::exception_ptr e, cf::done_and_not_done<Future> sets)`; `e` is
 * `cancelled_error` (and the sets empty) if the wait was cancelled.
 * The handler runs on its associated executor; see `future<T>::async_wait`.
 *
 * @par Per-Operation Cancellation
 * Every type completes the wait at once with `cancelled_error`, whose
 * message says the wait, not the futures, was cancelled; the futures are
 * left alone (as `asyncio.wait`). This is also the way to bound it by
 * another event: `co_await (cf::async_wait(fs, cf::all_completed,
 * asio::use_awaitable) || timer.async_wait(asio::use_awaitable))`.
 *
 * @throws std::invalid_argument for a `return_when` outside the enum.
 *
 * @par Thread Safety
 * Safe to call from any thread, also on futures others wait on; each call
 * is its own operation. Cancellation must be emitted on the handler's
 * executor, as Asio requires of every operation.
 *
 * @code
 * auto [done, not_done] = co_await cf::async_wait(futs, cf::first_completed,
 *                                                 asio::use_awaitable);
 * @endcode
 */
template <future_range R,
          BOOST_ASIO_COMPLETION_TOKEN_FOR(detail::set_wait_signature<R>) Token>
auto async_wait(R&& futures, wait_options const& options, Token&& token) {
  using Future = detail::range_future_t<R>;
  detail::unique_futures<Future> u(std::forward<R>(futures));
  return boost::asio::async_initiate<Token, detail::set_wait_signature<R>>(
      detail::initiate_set_wait<Future>{}, token, std::move(u), options);
}

/// `async_wait(futures, {.return_when = when}, token)`.
/**
 * Completion signature, cancellation and thread safety as there.
 */
template <future_range R,
          BOOST_ASIO_COMPLETION_TOKEN_FOR(detail::set_wait_signature<R>) Token>
auto async_wait(R&& futures, futures::return_when when, Token&& token) {
  return futures::async_wait(std::forward<R>(futures), wait_options{.return_when = when},
                             std::forward<Token>(token));
}

} // namespace concurrent::futures

#include <concurrent/futures/impl/wait.hpp>

#endif
