//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_ASIO_AWAITABLE_BOOST_181_HPP
#define CONCURRENT_FUTURES_DETAIL_ASIO_AWAITABLE_BOOST_181_HPP

// Included by impl/future.hpp, inside BOOST_ASIO_HAS_CO_AWAIT.
//
// Boost 1.81's Asio awaits an async operation (`co_await f`,
// `co_await op(asio::deferred)`) through `awaitable_async_op`, whose handler
// for `void(std::exception_ptr, T)` reads the result through the wrong
// member, and whose op binds only rvalues: `co_await f` does not compile.
// The specializations below keep Asio's handler (so a coroutine resumes
// exactly as for any other operation) and read the result correctly. They
// reach into boost::asio::detail, so they are tied to the version they were
// written against: 1.81.
//
// test/compile_fail/asio_181_workaround_still_needed.cpp compiles
// `co_await f` without them (CONCURRENT_FUTURES_NO_BOOST_181_AWAITABLE) and
// expects Asio's own path to fail. When a newer Boost makes it compile, that
// test fails: check the co_await tests pass without this file, and widen
// or drop the version check.

#include <boost/version.hpp>

#if BOOST_VERSION / 100 == 1081 && !defined(CONCURRENT_FUTURES_NO_BOOST_181_AWAITABLE)

#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>

namespace boost::asio::detail {

// `co_await op(asio::deferred)` for this library's operations: Asio 1.81's
// op reads the result through the wrong member (see below); this is its
// await path with the read fixed.
// clang-format off
template <typename T, typename Initiation, typename... InitArgs, typename Executor>
  requires concurrent::futures::detail::is_future_initiation<Initiation>::value
class awaitable_async_op<
    void(std::exception_ptr, T),
    deferred_async_operation<void(std::exception_ptr, T), Initiation, InitArgs...>,
    Executor> {
  // clang-format on
  using op_type =
      deferred_async_operation<void(std::exception_ptr, T), Initiation, InitArgs...>;
  using handler_type = awaitable_async_op_handler<void(std::exception_ptr, T), Executor>;

public:
  awaitable_async_op(op_type&& op, awaitable_frame_base<Executor>* frame)
      : op_(std::move(op)), frame_(frame), result_() {}

  bool await_ready() const noexcept { return false; }

  void await_suspend(coroutine_handle<void>) {
    frame_->after_suspend(
        [](void* arg) {
          auto* self = static_cast<awaitable_async_op*>(arg);
          std::move(self->op_)(
              handler_type(self->frame_->detach_thread(), self->result_));
        },
        this);
  }

  T await_resume() {
    if (*result_.ex_)
      std::rethrow_exception(std::exchange(*result_.ex_, nullptr));
    return std::move(*result_.value_);
  }

private:
  op_type&& op_;
  awaitable_frame_base<Executor>* frame_;
  typename handler_type::result_type result_;
};

// `co_await f` in an asio::awaitable goes through Asio's async-operation
// path, which in Boost 1.81 does not compile for a future: its handler for
// void(std::exception_ptr, T) dereferences the wrong member in resume(), and
// its op binds only rvalues. These specializations keep Asio's handler (so
// the coroutine resumes exactly as for any other operation) and read the
// result correctly; an lvalue future is copied (the value too), an rvalue
// one is moved from. A future already done does not suspend at all.
template <typename T, typename Executor>
class awaitable_async_op<typename concurrent::futures::detail::future_signature<T>::type,
                         concurrent::futures::future<T>, Executor> {
  using handler_type = awaitable_async_op_handler<
      typename concurrent::futures::detail::future_signature<T>::type, Executor>;

public:
  template <typename Op>
  awaitable_async_op(Op&& op, awaitable_frame_base<Executor>* frame)
      : future_(std::forward<Op>(op)), move_(!std::is_lvalue_reference_v<Op>),
        frame_(frame), result_() {
    static_assert(!std::is_lvalue_reference_v<Op> || std::is_void_v<T> ||
                      std::is_copy_constructible_v<T>,
                  "co_await on an lvalue cf::future<T> copies the value, and T is "
                  "move-only: co_await std::move(f) to move the value out");
  }

  bool await_ready() const noexcept { return future_.done(); }

  void await_suspend(coroutine_handle<void>) {
    frame_->after_suspend(
        [](void* arg) {
          auto* self = static_cast<awaitable_async_op*>(arg);
          concurrent::futures::detail::future_wait_op<T, handler_type>::launch(
              handler_type(self->frame_->detach_thread(), self->result_),
              std::move(self->future_), self->move_);
        },
        this);
  }

  T await_resume() {
    std::exception_ptr* e;
    if constexpr (std::is_void_v<T>)
      e = result_;
    else
      e = result_.ex_;
    if (e == nullptr) // did not suspend: the future was done
      return concurrent::futures::detail::take_value(
          *concurrent::futures::detail::future_access::state(future_), move_);
    if (*e)
      std::rethrow_exception(std::exchange(*e, nullptr));
    if constexpr (!std::is_void_v<T>)
      return std::move(*result_.value_);
  }

private:
  concurrent::futures::future<T> future_;
  bool move_;
  awaitable_frame_base<Executor>* frame_;
  typename handler_type::result_type result_;
};

} // namespace boost::asio::detail

#endif // Boost 1.81

#endif
