//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_DEADLINE_WATCH_HPP
#define CONCURRENT_FUTURES_DETAIL_DEADLINE_WATCH_HPP

// The timeout of an asynchronous wait (`async_wait(futures, {.timeout})`,
// `as_completed`'s `async_next`). Firing an op is safe from any thread and
// posts its handler to the handler's own executor, so the deadline needs no
// Asio timer on that executor: one compiled timer thread serves every wait.
// This keeps Asio's timers (a fifth of what the umbrella header cost to
// parse) out of every translation unit.

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/async_op.hpp>

#include <chrono>
#include <memory>
#include <mutex>

namespace concurrent::futures::detail {

/// Fires an op with `timed_out` at a deadline, unless the op detaches first.
class CONCURRENT_FUTURES_DECL deadline_watch {
public:
  /// Arms a watch for `op`; the returned pointer is the op's to detach.
  /// Throws std::bad_alloc, or std::system_error when the timer thread
  /// cannot start.
  static std::shared_ptr<deadline_watch>
  arm(std::chrono::steady_clock::time_point deadline, async_op_base& op);

  /// After this returns the watch never calls into the op.
  void detach() noexcept;

  /// The deadline passed: fires the op unless it detached.
  void expire() noexcept;

  explicit deadline_watch(async_op_base& op) noexcept : op_(&op) {}

private:
  std::mutex mutex_;
  async_op_base* op_;
};

} // namespace concurrent::futures::detail

#endif
