//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_PROMISE_HPP
#define CONCURRENT_FUTURES_PROMISE_HPP

#include <concurrent/futures/future.hpp>

#include <exception>
#include <future>
#include <type_traits>
#include <utility>

namespace concurrent::futures {

/// Completes a future that no executor backs: custom executors, callbacks
/// from other libraries, tests (the executor side of Python's `Future`).
/**
 * A promise owns the right to complete its state. Destroying it before the
 * state is done completes the future with `std::future_error` (broken
 * promise) so that nobody waits forever; a cancelled future stays cancelled.
 *
 * @par Thread Safety
 * `set_result` and `set_exception` may race each other and `cancel()`: one
 * wins, the others throw `invalid_state_error`.
 *
 * @code
 * cf::promise<int> p;
 * cf::future<int> f = p.get_future();
 * std::thread t([p = std::move(p)]() mutable { p.set_result(42); });
 * assert(f.result() == 42);
 * t.join();
 * @endcode
 */
template <class T>
class promise {
public:
  /// A promise with a new, pending state.
  promise() : state_(new detail::shared_state<T>()) {}

  /// Takes over `other`'s right to complete; `other` then has no state.
  promise(promise&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}

  /// Abandons this promise's state (as the destructor does), then takes
  /// over `other`'s.
  promise& operator=(promise&& other) noexcept {
    if (this != &other) {
      abandon();
      state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
  }

  /// Completes a state still pending with `std::future_error`
  /// (broken promise).
  ~promise() { abandon(); }

  /// A future sharing this promise's state; may be called any number of
  /// times, every result compares equal.
  future<T> get_future() const { return detail::future_access::share(&get()); }

  /// Python's `set_result()`: pending or running -> finished.
  /**
   * @throws invalid_state_error if the future is already done (cancelled or
   * finished); the first result is kept.
   */
  template <class... Args>
  void set_result(Args&&... args) {
    static_assert(std::is_void_v<T> ? sizeof...(Args) == 0
                                    : std::is_constructible_v<T, Args...>,
                  "set_result(args...): T cannot be constructed from these arguments");
    get().set_value(std::forward<Args>(args)...);
  }

  /// Python's `set_exception()`.
  /**
   * @throws invalid_state_error if already done; std::invalid_argument if `e`
   * is null.
   */
  void set_exception(std::exception_ptr e) { get().set_exception(std::move(e)); }

  /// Stores a copy of `e` as the exception.
  /// (An `std::exception_ptr` argument takes the overload above.)
  template <class E>
  void set_exception(E&& e) {
    set_exception(std::make_exception_ptr(std::forward<E>(e)));
  }

private:
  detail::shared_state<T>& get() const {
    if (state_ == nullptr)
      detail::throw_no_state();
    return *state_;
  }

  void abandon() noexcept {
    if (state_ == nullptr)
      return;
    if (state_->try_claim())
      state_->publish_exception(
          std::make_exception_ptr(std::future_error(std::future_errc::broken_promise)));
    state_->release();
    state_ = nullptr;
  }

  detail::shared_state<T>* state_;
};

} // namespace concurrent::futures

#endif
