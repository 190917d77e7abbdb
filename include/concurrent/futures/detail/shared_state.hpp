//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_SHARED_STATE_HPP
#define CONCURRENT_FUTURES_DETAIL_SHARED_STATE_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/exceptions.hpp>

#include <boost/core/demangle.hpp>
#include <boost/smart_ptr/intrusive_ptr.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <new>
#include <string>
#include <typeinfo>
#include <utility>

namespace concurrent::futures::detail {

/// Python's five states, plus `completing`: a result is being stored (shown
/// as running). Order matters: every state from `cancelled` on is "done".
enum class future_status : std::uint8_t {
  pending = 0,
  running = 1,
  completing = 2,
  cancelled = 3,
  cancelled_and_notified = 4,
  finished = 5,
};

class shared_state_base;

using clock = std::chrono::steady_clock;
using deadline_type = std::optional<clock::time_point>;

/// The absolute deadline for a relative timeout taken now (empty: none).
CONCURRENT_FUTURES_DECL deadline_type to_deadline(timeout_type timeout) noexcept;

/// Work a thread may do for a future it is about to block on. A process
/// pool lends it the reading of its workers' replies, so the reply that
/// completes the future needs no hop through the pool's own thread.
/**
 * Reference counted: each future it is attached to holds a reference, so a
 * future that outlives its pool calls a helper that is still there (and
 * does nothing any more). `help` runs user code of no kind that could block:
 * it may decode replies (codecs) and publish futures that nobody but
 * blocked threads waits on; anything with done callbacks or asynchronous
 * waiters is left to the pool's thread, as before.
 */
class CONCURRENT_FUTURES_DECL wait_helper {
public:
  wait_helper(wait_helper const&) = delete;
  wait_helper& operator=(wait_helper const&) = delete;

  /// Called by a thread about to block on `state` (not done yet) until
  /// `deadline`. Returns once `state` is done, or when helping no longer
  /// pays (then the thread blocks as usual). Any thread; never throws.
  virtual void help(shared_state_base const& state,
                    deadline_type const& deadline) noexcept = 0;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      delete this;
  }

protected:
  wait_helper() noexcept = default;
  virtual ~wait_helper() = default;

private:
  std::atomic<std::uint32_t> refs_{1};
};

/// An entry in a future's one waiter list: blocking `wait` / `as_completed`
/// sets, done callbacks and asynchronous waits all use it.
class waiter {
public:
  /// Which transition wakes the waiter.
  enum class wake_on : std::uint8_t {
    /// finished, or cancel(): result(), callbacks, async waits.
    done,
    /// finished, or cancelled and notified: wait() and as_completed().
    settled,
  };

  waiter(waiter const&) = delete;
  waiter& operator=(waiter const&) = delete;

  /// True while the waiter is in a future's list. Read it only under that
  /// future's lock, or after remove_waiter returned.
  bool linked() const noexcept { return linked_; }

protected:
  /// How the waiter is called when the future gets where it wakes.
  enum class mode : std::uint8_t {
    /// complete() under the lock; removable.
    locked,
    /// complete() after the lock is released; not removable (callbacks).
    deferred,
    /// claim() under the lock, and if it returns true, complete() after the
    /// lock is released; removable. For work too slow to do under the lock
    /// (posting to an executor) whose owner keeps the waiter alive until
    /// complete() has run once claim() said yes.
    claimed,
  };

  explicit waiter(wake_on on, bool deferred = false) noexcept
      : wake_on_(on), mode_(deferred ? mode::deferred : mode::locked) {}
  waiter(wake_on on, mode m) noexcept : wake_on_(on), mode_(m) {}
  ~waiter() = default;

  /// For `claimed` waiters: called under the lock, once; true to have
  /// complete() called after the lock is released.
  virtual bool claim(shared_state_base&, future_status) noexcept { return true; }

  /// Called once, when the future reaches the state the waiter wakes on.
  /**
   * A waiter that is not deferred is called with the future's lock held: it
   * must be short and non-blocking and must not call into the same future.
   * In return, once remove_waiter() returns, it is never called again, so its
   * storage may go. A deferred waiter (a done callback) is called after the
   * lock is released, in registration order; it cannot be removed and owns
   * its own storage.
   */
  virtual void complete(shared_state_base& state, future_status now) noexcept = 0;

  /// A deferred waiter still linked when the state is destroyed (the future
  /// never completed) is discarded: it frees itself without running.
  virtual void discard() noexcept {}

private:
  friend class shared_state_base;
  waiter* prev_ = nullptr;
  waiter* next_ = nullptr;
  wake_on wake_on_;
  mode mode_;
  bool linked_ = false;
};

/// The state every future shares with whatever completes it: an executor's
/// task, a promise or a worker process' result.
/**
 * All of it lives in one 32-bit word: the status, a spin lock that guards the
 * waiter list, a bit saying the list is not empty and a bit saying a thread
 * sleeps on the word (a futex). Transitions that wake nobody are one
 * compare-and-swap; the lock is taken only when a waiter is linked.
 */
class CONCURRENT_FUTURES_DECL shared_state_base {
public:
  shared_state_base(shared_state_base const&) = delete;
  shared_state_base& operator=(shared_state_base const&) = delete;

  void add_ref() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }

  /// True while someone besides the caller holds the state: another handle
  /// (a copy of the future, a dependent task's parent, a wait set) that may
  /// read the value, or a worker that has not let go yet.
  bool has_other_holders() const noexcept {
    return refs_.load(std::memory_order_acquire) > 1;
  }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1)
      destroy();
  }

  /// The status as Python reports it (`completing` reads as running).
  future_status status() const noexcept;

  bool done() const noexcept { return raw_status() >= future_status::cancelled; }
  bool cancelled() const noexcept {
    auto s = raw_status();
    return s == future_status::cancelled || s == future_status::cancelled_and_notified;
  }
  bool running() const noexcept {
    auto s = raw_status();
    return s == future_status::running || s == future_status::completing;
  }
  /// What wait() and as_completed() count as done: finished, or cancelled and
  /// notified.
  bool settled() const noexcept {
    auto s = raw_status();
    return s == future_status::finished || s == future_status::cancelled_and_notified;
  }

  /// Python's `cancel()`: pending -> cancelled, waking result() and running
  /// the done callbacks; true if now cancelled.
  bool cancel() noexcept;

  /// Python's `set_running_or_notify_cancel()`. Throws std::runtime_error
  /// ("Future in unexpected state") unless pending or cancelled.
  bool set_running_or_notify_cancel();

  /// pending -> running, for an executor about to run the task; false (and
  /// cancelled -> cancelled and notified) if it was cancelled. Never throws:
  /// if the state is neither, the task must not run and false is returned.
  bool start_task() noexcept;

  /// Claims the right to store a result (pending or running -> completing);
  /// false if the future is already done or being completed.
  bool try_claim() noexcept;

  /// running or completing -> finished with the value already stored; wakes
  /// every waiter and runs the done callbacks.
  void publish() noexcept;

  /// Stores an exception and publishes, after a successful try_claim() or
  /// start_task().
  void publish_exception(std::exception_ptr e) noexcept {
    exception_ = std::move(e);
    publish();
  }

  /// As publish(), but only while no waiter is linked (no done callback, no
  /// asynchronous or set wait): threads blocked in wait() are woken. False,
  /// and nothing changed, when a waiter is linked: the caller publishes
  /// later, on a thread where running callbacks is expected.
  bool publish_unless_waited() noexcept;

  /// Stores an exception, then as publish_unless_waited().
  bool publish_exception_unless_waited(std::exception_ptr e) noexcept {
    exception_ = std::move(e);
    return publish_unless_waited();
  }

  /// Attaches the helper a blocking wait() calls first (see wait_helper);
  /// the state keeps a reference. Once, before or while the state is shared.
  void set_wait_helper(wait_helper& h) noexcept {
    h.add_ref();
    helper_.store(&h, std::memory_order_release);
  }

  /// Python's `set_exception()`; throws invalid_state_error when done.
  void set_exception(std::exception_ptr e);

  /// Throws invalid_state_error for a completion the state forbids.
  [[noreturn]] void throw_invalid_state() const;

  /// Blocks until done() or the deadline; returns done().
  bool wait(deadline_type const& deadline) const noexcept;

  /// Links `w` unless the state already is where `w` wakes; returns whether
  /// it was linked (false: the caller acts as if woken, nothing is called).
  bool add_waiter(waiter& w) noexcept;

  /// Unlinks `w` in O(1); returns false if a completion took it first, in
  /// which case its complete() has already returned.
  bool remove_waiter(waiter& w) noexcept;

  /// The stored exception; meaningful once finished.
  std::exception_ptr const& stored_exception() const noexcept { return exception_; }

  /// For a done state: throws cancelled_error or the stored exception.
  void rethrow_if_failed() const {
    // Inline: every result() and map item passes here, nearly always fine.
    if (raw_status() != future_status::finished || exception_) [[unlikely]]
      rethrow_failure();
  }

  /// `result()` without the value: waits up to `timeout`, then throws
  /// timeout_error, cancelled_error or the stored exception.
  void await_outcome(timeout_type timeout) const;

  /// `exception()`: waits up to `timeout` (timeout_error), throws
  /// cancelled_error if cancelled, else returns the stored exception.
  std::exception_ptr await_exception(timeout_type timeout) const;

  /// Python's repr: `<future at 0x... state=finished returned int>`.
  std::string repr() const;

  /// The name of the value type, for repr().
  virtual std::string value_type_name() const = 0;

protected:
  shared_state_base() noexcept = default;
  virtual ~shared_state_base();

  /// Frees the state when the last reference goes; `delete this` by default.
  virtual void destroy() noexcept;

  future_status raw_status() const noexcept {
    return static_cast<future_status>(word_.load(std::memory_order_acquire) & 7u);
  }

private:
  std::uint32_t lock() const noexcept;
  void unlock_keep() const noexcept;
  void unlock_to(std::uint32_t status_bits) noexcept;
  void rethrow_failure() const;
  waiter* wake_waiters(waiter::wake_on which, future_status now) noexcept;
  void run_deferred(waiter* chain, future_status now) noexcept;
  bool cancel_slow() noexcept;
  void publish_slow() noexcept;

  mutable std::atomic<std::uint32_t> word_{0};
  std::atomic<std::uint32_t> refs_{1};
  waiter* head_ = nullptr;
  waiter* tail_ = nullptr;
  std::exception_ptr exception_;
  std::atomic<wait_helper*> helper_{nullptr};
};

inline void intrusive_ptr_add_ref(shared_state_base* s) noexcept {
  s->add_ref();
}
inline void intrusive_ptr_release(shared_state_base* s) noexcept {
  s->release();
}

/// Adds storage for the value of a `future<T>`.
template <class T>
class shared_state : public shared_state_base {
public:
  shared_state() noexcept {}

  /// Python's `set_result()`: claims, constructs, publishes.
  template <class... Args>
  void set_value(Args&&... args) {
    if (!try_claim())
      throw_invalid_state();
    construct_and_publish(std::forward<Args>(args)...);
  }

  /// Constructs the value (or stores the exception it throws) and publishes;
  /// the caller holds the claim or started the task.
  template <class... Args>
  void construct_and_publish(Args&&... args) noexcept {
    try {
      ::new (static_cast<void*>(&value_)) T(std::forward<Args>(args)...);
    } catch (...) {
      publish_exception(std::current_exception());
      return;
    }
    publish();
  }

  /// Constructs the value from `fn()` without publishing; throws what `fn`
  /// throws, leaving no value.
  template <class F>
  void emplace_from(F&& fn) {
    ::new (static_cast<void*>(&value_)) T(std::forward<F>(fn)());
  }

  bool has_value() const noexcept {
    return raw_status() == future_status::finished && !stored_exception();
  }

  /// The value; precondition: has_value().
  T& value() noexcept { return value_; }
  T const& value() const noexcept { return value_; }

  std::string value_type_name() const override {
    return boost::core::demangle(typeid(T).name());
  }

protected:
  ~shared_state() override {
    if (has_value())
      value_.~T();
  }

private:
  union {
    T value_;
  };
};

template <>
class shared_state<void> : public shared_state_base {
public:
  void set_value() {
    if (!try_claim())
      throw_invalid_state();
    publish();
  }
  void construct_and_publish() noexcept { publish(); }
  std::string value_type_name() const override { return "void"; }
};

} // namespace concurrent::futures::detail

#endif
