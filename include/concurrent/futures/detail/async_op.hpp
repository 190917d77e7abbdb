//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_ASYNC_OP_HPP
#define CONCURRENT_FUTURES_DETAIL_ASYNC_OP_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/shared_state.hpp>
#include <concurrent/futures/return_when.hpp>

#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/execution_context.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <span>

namespace concurrent::futures::detail {

class async_op_service;

/// A wait that was cancelled without its futures: which one it was.
enum class cancelled_wait : std::uint8_t {
  running_task,   ///< a wait on one future whose task had already started
  future_set,     ///< `async_wait` on a set
  next_completed, ///< `as_completed::async_next`
  range_gone,     ///< `async_next` pending when its `as_completed` was destroyed
};

/// The `cancelled_error` such a wait completes with: its message says that
/// the wait was cancelled, not the futures, and what became of them (a
/// cancelled future's own error says it was cancelled before it ran).
CONCURRENT_FUTURES_DECL std::exception_ptr
cancelled_wait_error(cancelled_wait what) noexcept;

/// The handler-independent half of an asynchronous wait.
/**
 * Life of an op: start() links it into the service of the handler's
 * execution context; then exactly one of these happens first and "fires" it:
 * the awaited condition is met, the wait is cancelled, its timeout passes.
 * Firing posts the handler's invoker to the handler's executor
 * (post_completion()); the invoker calls unlink() then delivers. If the
 * context shuts down first, its service unlinks the op and destroys it
 * without calling the handler, so a late completion touches nothing freed.
 */
class CONCURRENT_FUTURES_DECL async_op_base {
public:
  /// Why the op fired.
  enum class reason : std::uint8_t { ready, cancelled, timed_out };

  async_op_base(async_op_base const&) = delete;
  async_op_base& operator=(async_op_base const&) = delete;

  /// Fires the op once; false if it had already fired. Safe from any
  /// thread; under a lock, prefer claim() then post_claimed().
  bool fire(reason why) noexcept;

  /// The first half of fire(), for a caller holding a future's lock: true
  /// if this call fired the op. Then post_claimed() must follow, after the
  /// lock is released: the op stays alive until it has.
  bool claim(reason why) noexcept;

  /// The second half: posts the invoker (unless the initiation still holds
  /// the op). The op may be gone when this returns.
  void post_claimed() noexcept;

  /// The reason it fired; read after the invoker runs.
  reason fired_because() const noexcept { return reason_; }

  /// Handles a cancellation request from the handler's slot.
  virtual void cancel(boost::asio::cancellation_type type) noexcept;

  /// The op's deadline passed (from its timeout watcher).
  virtual void time_out() noexcept { fire(reason::timed_out); }

  /// Ends the initiation: an op that fires while it is being set up (a
  /// future already done) is posted only now, so its invoker cannot free it
  /// under the initiating thread.
  void launched() noexcept { release(); }

protected:
  async_op_base() noexcept = default;
  ~async_op_base() = default;

  /// Links the op into the service of `context`. False if the context has
  /// shut down: the op must then be destroyed by its owner, unstarted.
  bool link(boost::asio::execution_context& context);

  /// Called on the handler's executor before delivering, or by the service
  /// at shutdown: detaches from every source of completions and from the
  /// service. Afterwards nothing calls into the op again.
  void unlink() noexcept;

  /// Posts the invoker; called once, from any thread, possibly under a
  /// future's lock (so it must not call into that future).
  virtual void post_completion() noexcept = 0;

  /// Frees the op without calling the handler (its context shut down).
  virtual void destroy() noexcept = 0;

  /// Detaches from what completes the op (future waiters, a queue).
  virtual void unlink_sources() noexcept = 0;

private:
  friend class async_op_service;
  void release() noexcept;

  std::atomic<bool> fired_{false};
  // The initiation and the firing each hold one; the last to let go posts.
  std::atomic<int> holds_{2};
  reason reason_ = reason::ready;
  async_op_service* service_ = nullptr;
  async_op_base* prev_ = nullptr;
  async_op_base* next_ = nullptr;
};

/// Per execution context: the ops waiting there, unlinked at its shutdown.
class CONCURRENT_FUTURES_DECL async_op_service
    : public boost::asio::execution_context::service {
public:
  using key_type = async_op_service;
  static boost::asio::execution_context::id id;

  explicit async_op_service(boost::asio::execution_context& context);
  ~async_op_service() override;

  /// How many ops wait in this context (for tests).
  std::size_t pending() const;

private:
  friend class async_op_base;
  void shutdown() override;
  bool add(async_op_base& op);
  void remove(async_op_base& op) noexcept;

  // Guards the list. Held for a link or an unlink, twice per wait by the
  // thread that starts and resumes it, so a spin lock (std::mutex was 110
  // instructions per co_await, callgrind): see async_op.cpp.
  mutable std::atomic<bool> locked_{false};
  async_op_base* head_ = nullptr;
  bool shut_down_ = false;
  // Ops claimed under a future's lock whose invoker is not posted yet: the
  // context must not go before these posts are done.
  std::atomic<int> posting_{0};
};

/// An op that waits on one or more futures: a waiter node per future.
class CONCURRENT_FUTURES_DECL wait_op_base : public async_op_base {
public:
  struct node final : waiter {
    wait_op_base* op = nullptr;
    shared_state_base* state = nullptr;
    // This node's completion fired the op, so it is unlinked already. Set
    // under the future's lock, read by the invoker and the service.
    std::atomic<bool> fired_op{false};
    explicit node(wake_on on = wake_on::settled) noexcept : waiter(on, mode::claimed) {}
    bool claim(shared_state_base& s, future_status now) noexcept override;
    void complete(shared_state_base& s, future_status now) noexcept override;
  };

  /// Cancels the task of a single wait if it has not started; fires the
  /// wait with `cancelled` as the type allows (see async_wait's docs).
  void cancel(boost::asio::cancellation_type type) noexcept override;

protected:
  /// Fires when `when` is met, as wait() returns. A wait that owns its
  /// future's fate (`co_await f`, run_in_executor) cancels its task when it
  /// is cancelled; a wait on a set leaves the futures alone.
  wait_op_base(std::span<node> nodes, return_when when, bool cancels_task) noexcept;
  ~wait_op_base() = default;

  /// Links into the context's service and installs a waiter on each
  /// state; fires at once if the condition already holds. False as link().
  bool start(boost::asio::execution_context& context,
             std::span<shared_state_base* const> states);

  void unlink_sources() noexcept override;

private:
  // Whether the future settling as `now` meets the condition.
  bool meets_condition(shared_state_base& s, future_status now) noexcept;

  std::span<node> nodes_;
  return_when when_;
  bool cancels_task_;
  std::atomic<std::ptrdiff_t> remaining_{0};
};

} // namespace concurrent::futures::detail

#endif
