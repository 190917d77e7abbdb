//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_FUTURE_HANDLE_HPP
#define CONCURRENT_FUTURES_DETAIL_FUTURE_HANDLE_HPP

#include <concurrent/futures/future.hpp>

#include <ranges>
#include <type_traits>
#include <unordered_set>
#include <vector>

namespace concurrent::futures {
namespace detail {

template <class F>
struct is_future_handle : std::false_type {};
template <class T>
struct is_future_handle<future<T>> : std::true_type {};
template <>
struct is_future_handle<any_future> : std::true_type {};

inline shared_state_base* state_of(any_future const& f) noexcept {
  return future_access::state(f);
}
template <class T>
shared_state_base* state_of(future<T> const& f) noexcept {
  return future_access::state(f);
}

/// The futures of a range, each once (first occurrence kept), and their
/// states. Python's `set(fs)`.
template <class Future>
struct unique_futures {
  std::vector<Future> futures;
  std::vector<shared_state_base*> states;

  template <class R>
  explicit unique_futures(R&& range) {
    std::unordered_set<shared_state_base*> seen;
    if constexpr (std::ranges::sized_range<R>) {
      auto const n = static_cast<std::size_t>(std::ranges::size(range));
      futures.reserve(n);
      states.reserve(n);
      seen.reserve(n);
    }
    for (auto&& f : range) {
      shared_state_base* s = state_of(f);
      if (s == nullptr)
        throw_no_state();
      if (seen.insert(s).second) {
        futures.emplace_back(f);
        states.push_back(s);
      }
    }
  }
};

} // namespace detail

/// A `cf::future<T>` or a `cf::any_future`.
template <class F>
concept future_handle = detail::is_future_handle<std::remove_cvref_t<F>>::value;

/// A range of futures, as `wait` and `as_completed` take.
template <class R>
concept future_range =
    std::ranges::input_range<R> && future_handle<std::ranges::range_value_t<R>>;

} // namespace concurrent::futures

#endif
