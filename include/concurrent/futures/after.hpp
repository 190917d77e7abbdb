//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_AFTER_HPP
#define CONCURRENT_FUTURES_AFTER_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/future.hpp>

#include <stdexcept>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace concurrent::futures {

/// The futures a dependent task waits for: what `cf::after(...)` returns
/// and `executor::submit` takes as its first argument.
/**
 * `Parents` is either `std::tuple<future<T>...>` (a fixed list, possibly of
 * different types) or `std::vector<future<T>>` / `std::vector<any_future>`
 * (a list made at run time).
 *
 * @par Thread Safety
 * As the futures it holds; an executor takes it over when submitting.
 */
template <class Parents>
class after_t {
public:
  /// Holds `parents`; `cf::after(...)` checks them first.
  explicit after_t(Parents parents) : parents_(std::move(parents)) {}

  /// The parent futures, in the order given.
  Parents const& parents() const noexcept { return parents_; }
  /// Moves the parents out, for the executor that takes them over.
  Parents&& release() && noexcept { return std::move(parents_); }

private:
  Parents parents_;
};

namespace detail {
template <class T>
inline constexpr bool is_after_v = false;
template <class Parents>
inline constexpr bool is_after_v<after_t<Parents>> = true;

template <class Future>
void check_parent(Future const& f) {
  if (!f.valid())
    throw std::invalid_argument(
        "cf::after: a parent future is empty (default-constructed "
        "or moved from); pass the future a submit returned");
}
} // namespace detail

/// Makes a task depend on `parents`: `pool.submit(cf::after(a, b), fn)`
/// runs `fn(a's value, b's value)` once both have succeeded.
/**
 * The futures may come from any executor or promise. A `future<void>`
 * parent contributes no argument.
 *
 * @throws std::invalid_argument if a future is empty.
 */
template <class T, class... Ts>
after_t<std::tuple<future<T>, future<Ts>...>> after(future<T> const& parent,
                                                    future<Ts> const&... parents) {
  detail::check_parent(parent);
  (detail::check_parent(parents), ...);
  return after_t<std::tuple<future<T>, future<Ts>...>>(
      std::tuple<future<T>, future<Ts>...>(parent, parents...));
}

/// Makes a task depend on every future of a list made at run time. The
/// task receives the values as one `std::vector<T>` in list order (no
/// argument for `future<void>` or `any_future`). An empty list runs the
/// task at once.
/**
 * @throws std::invalid_argument if a future is empty.
 */
template <class Future>
requires std::is_same_v<Future, any_future> ||
    std::is_same_v<Future, future<typename Future::value_type>>
        after_t<std::vector<Future>> after(std::vector<Future> parents) {
  for (auto const& p : parents)
    detail::check_parent(p);
  return after_t<std::vector<Future>>(std::move(parents));
}

} // namespace concurrent::futures

#endif
