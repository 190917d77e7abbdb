//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_IMPL_FUTURE_HPP
#define CONCURRENT_FUTURES_IMPL_FUTURE_HPP

// Included at the bottom of future.hpp: the asynchronous wait on a future.

#include <concurrent/futures/detail/asio/handler_op.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/version.hpp>

#include <coroutine>

namespace concurrent::futures::detail {

/// The outcome of a done future as a completion's arguments: the exception
/// (cancelled_error if cancelled) and the value, copied or moved out.
template <class T>
std::exception_ptr outcome_exception(shared_state<T> const& s) noexcept {
  if (s.cancelled())
    return std::make_exception_ptr(cancelled_error());
  return s.stored_exception();
}

/// The value of a done future, or throws its exception. `move` (an rvalue
/// future: `co_await std::move(f)`, `std::move(f).result()`) moves it out
/// only from its last holder: while another handle can still read the
/// value (a copy of the future, a dependent task's parent), it is copied,
/// so no reader ever sees a moved-from value. A value that cannot be
/// copied is moved regardless.
template <class T>
T take_value(shared_state<T>& s, bool move) {
  s.rethrow_if_failed();
  if constexpr (!std::is_void_v<T>) {
    if constexpr (std::is_copy_constructible_v<T>) {
      if (!move || s.has_other_holders())
        return s.value();
    }
    return std::move(s.value());
  }
}

/// An asynchronous wait on one future.
template <class T, class Handler>
class future_wait_op final
    : public handler_op<future_wait_op<T, Handler>, wait_op_base, Handler> {
  using base = handler_op<future_wait_op<T, Handler>, wait_op_base, Handler>;
  friend base;
  static_assert(std::is_void_v<T> || std::is_default_constructible_v<T>,
                "an asynchronous wait on cf::future<T> completes with "
                "void(std::exception_ptr, T), which passes a T also when it fails "
                "(as asio::co_spawn does), so T must be default-constructible: "
                "use cf::future<std::optional<T>>, or result() from a thread");
  static_assert(std::is_void_v<T> || std::is_move_constructible_v<T>,
                "an asynchronous wait on cf::future<T> passes the value by value "
                "(void(std::exception_ptr, T)), so T must be movable: return a "
                "std::unique_ptr<T> from the task, or use result() from a thread");
  friend class op_invoker<future_wait_op>;

public:
  using typename base::allocator_type;

  static void launch(Handler h, future<T>&& f, bool move_value) {
    auto* op = base::create(std::move(h), std::move(f), move_value);
    shared_state_base* states[] = {future_access::state(op->future_)};
    if (!op->start(op->context(), states)) {
      op->destroy(); // the context has shut down: dropped, as Asio drops it
      return;
    }
    op->connect_slot();
    op->launched();
  }

  future_wait_op(Handler&& h, allocator_type const& alloc, future<T>&& f, bool move_value)
      : base(std::move(h), alloc, std::span<node>(&node_, 1),
             return_when::first_completed,
             /*cancels_task=*/true),
        future_(std::move(f)), move_(move_value) {}

private:
  using node = wait_op_base::node;

  void unlink_sources() noexcept override { wait_op_base::unlink_sources(); }

  void invoke() {
    bool const cancelled_wait = this->fired_because() == async_op_base::reason::cancelled;
    future<T> f = std::move(future_);
    bool const move = move_;
    auto up = this->release_for_upcall();
    this->free();
    auto& s = *future_access::state(f);
    // Fired as cancelled only when cancel() failed: the task had started.
    std::exception_ptr e = cancelled_wait
                               ? cancelled_wait_error(cancelled_wait::running_task)
                               : outcome_exception(s);
    if constexpr (std::is_void_v<T>)
      std::move(up.handler)(std::move(e));
    else if (e)
      std::move(up.handler)(std::move(e), T{});
    else
      std::move(up.handler)(std::exception_ptr(), take_value(s, move));
  }

  node node_{waiter::wake_on::done};
  future<T> future_;
  bool move_;
};

template <class T>
struct initiate_future_wait {
  template <class Handler>
  void operator()(Handler&& h, future<T> f, bool move_value) const {
    future_wait_op<T, std::decay_t<Handler>>::launch(std::forward<Handler>(h),
                                                     std::move(f), move_value);
  }
};

/// Awaits a future from any C++20 coroutine: resumes it in the thread that
/// completes the future (at once if it is already done).
template <class T>
class future_awaiter final : waiter {
public:
  future_awaiter(future<T> f, bool move) noexcept
      : waiter(wake_on::done, /*deferred=*/true), future_(std::move(f)), move_(move) {}
  future_awaiter(future_awaiter&& other) noexcept
      : waiter(wake_on::done, true), future_(std::move(other.future_)),
        move_(other.move_) {}
  ~future_awaiter() {
    // Only if the coroutine is destroyed while suspended here.
    if (handle_)
      state().remove_waiter(*this);
  }

  bool await_ready() const noexcept { return state().done(); }
  bool await_suspend(std::coroutine_handle<> h) noexcept {
    handle_ = h;
    if (state().add_waiter(*this))
      return true;
    handle_ = nullptr;
    return false;
  }
  T await_resume() {
    handle_ = nullptr;
    return take_value(state(), move_);
  }

private:
  shared_state<T>& state() const noexcept { return *future_access::state(future_); }
  void complete(shared_state_base&, future_status) noexcept override { handle_.resume(); }

  future<T> future_;
  std::coroutine_handle<> handle_;
  bool move_;
};

} // namespace concurrent::futures::detail

#if defined(BOOST_ASIO_HAS_CO_AWAIT)
#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>

namespace concurrent::futures::detail {

/// Initiations of this library whose operations complete with
/// void(std::exception_ptr, T) (specialized where they are defined).
template <class Initiation>
struct is_future_initiation : std::false_type {};
template <class T>
struct is_future_initiation<initiate_future_wait<T>> : std::true_type {};

} // namespace concurrent::futures::detail

// How Asio's coroutines await this library's operations: a workaround
// for Boost 1.81, in one place.
#include <concurrent/futures/detail/asio/awaitable_boost_181.hpp>
#endif // BOOST_ASIO_HAS_CO_AWAIT

#endif
