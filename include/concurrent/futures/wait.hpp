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
  std::unordered_set<Future> done;
  std::unordered_set<Future> not_done;
};

namespace detail {

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

} // namespace concurrent::futures

#endif
