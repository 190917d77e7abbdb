//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_ASIO_TIMEOUT_WATCHER_HPP
#define CONCURRENT_FUTURES_DETAIL_ASIO_TIMEOUT_WATCHER_HPP

// Only the waits that take a timeout (wait, as_completed) include this: a
// timer is heavy to parse, and a future's own wait never times out.

#include <concurrent/futures/detail/async_op.hpp>

#include <boost/asio/basic_waitable_timer.hpp>

#include <chrono>
#include <memory>
#include <mutex>

namespace concurrent::futures::detail {

namespace asio = boost::asio;

/// Fires an op with `timed_out` at a deadline, unless the op detaches
/// first; a timer on the op's executor, shared with the timer's handler so
/// that neither outlives the other's use of it.
template <class Executor>
class timeout_watcher {
public:
  using timer_type =
      asio::basic_waitable_timer<std::chrono::steady_clock,
                                 asio::wait_traits<std::chrono::steady_clock>, Executor>;

  /// Arms a watcher for `op`; the returned pointer is the op's to detach.
  static std::shared_ptr<timeout_watcher>
  arm(Executor const& ex, std::chrono::steady_clock::time_point deadline,
      async_op_base& op) {
    auto w = std::make_shared<timeout_watcher>(ex, op);
    w->timer_.expires_at(deadline);
    w->timer_.async_wait([w](boost::system::error_code const& ec) {
      if (!ec)
        w->expired();
    });
    return w;
  }

  timeout_watcher(Executor const& ex, async_op_base& op) : timer_(ex), op_(&op) {}

  /// After this returns the watcher never calls into the op.
  void detach() noexcept {
    {
      std::lock_guard lock(mutex_);
      op_ = nullptr;
    }
    try {
      timer_.cancel();
    } catch (...) { // only a failing OS timer call; it then fires unheeded
    }
  }

private:
  void expired() noexcept {
    std::lock_guard lock(mutex_);
    if (op_ != nullptr)
      op_->time_out();
  }

  timer_type timer_;
  std::mutex mutex_;
  async_op_base* op_;
};

} // namespace concurrent::futures::detail

#endif
