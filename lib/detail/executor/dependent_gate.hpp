//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_EXECUTOR_DEPENDENT_GATE_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_EXECUTOR_DEPENDENT_GATE_HPP

#include <concurrent/futures/detail/dependent_task.hpp>
#include <concurrent/futures/executor.hpp>

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace concurrent::futures::detail {

/// An executor's dependent tasks that still wait for their parents.
/**
 * The executor owns it; each waiting task holds it too, so a task whose
 * parents finish after the executor is gone finds out here instead of
 * touching freed memory. The lock is held while a released task is queued,
 * which is what keeps the executor alive during `enqueue`.
 */
class dependent_gate {
public:
  explicit dependent_gate(executor& owner) noexcept : owner_(&owner) {}

  void enter(dependent_core& d) {
    std::lock_guard lock(mutex_);
    if (closed_)
      throw std::runtime_error("cannot schedule new futures after shutdown");
    d.gate_next_ = head_;
    if (head_ != nullptr)
      head_->gate_prev_ = &d;
    head_ = &d;
    ++waiting_;
  }

  void leave(dependent_core& d) noexcept {
    std::lock_guard lock(mutex_);
    unlink_locked(d);
  }

  /// Leaves and queues the task on the executor. Throws what `enqueue`
  /// throws, or std::runtime_error if the executor is gone.
  void release(dependent_core& d) {
    std::lock_guard lock(mutex_);
    unlink_locked(d);
    if (owner_ == nullptr || shut_down_)
      throw std::runtime_error(
          "the executor was shut down before this task's dependencies completed, so "
          "it did not run; shut the executor down with wait=true to let dependent "
          "tasks run");
    owner_->enqueue(d.node());
  }

  /// `shutdown(wait, cancel_futures)`: no new dependent tasks; cancel the
  /// waiting ones if asked; then wait until none waits, if asked.
  void close(bool wait, bool cancel) {
    std::unique_lock lock(mutex_);
    closed_ = true;
    if (cancel) {
      // Cancelling runs callbacks, which may enter other gates or leave this
      // one: do it unlocked, holding each task alive.
      std::vector<shared_state_base*> waiting;
      for (dependent_core* d = head_; d != nullptr; d = d->gate_next_) {
        d->state().add_ref();
        waiting.push_back(&d->state());
      }
      lock.unlock();
      for (shared_state_base* s : waiting) {
        s->cancel();
        s->release();
      }
      lock.lock();
    }
    if (wait)
      drained_.wait(lock, [this] { return waiting_ == 0; });
    else
      shut_down_ = true;
  }

  /// The executor is being destroyed.
  void detach() noexcept {
    std::lock_guard lock(mutex_);
    closed_ = true;
    owner_ = nullptr;
  }

private:
  void unlink_locked(dependent_core& d) noexcept {
    if (d.gate_prev_ != nullptr)
      d.gate_prev_->gate_next_ = d.gate_next_;
    else
      head_ = d.gate_next_;
    if (d.gate_next_ != nullptr)
      d.gate_next_->gate_prev_ = d.gate_prev_;
    d.gate_prev_ = d.gate_next_ = nullptr;
    if (--waiting_ == 0)
      drained_.notify_all();
  }

  std::mutex mutex_;
  std::condition_variable drained_;
  executor* owner_;
  dependent_core* head_ = nullptr;
  std::size_t waiting_ = 0;
  bool closed_ = false;    // no new dependent tasks
  bool shut_down_ = false; // shut down without waiting: released tasks fail
};

} // namespace concurrent::futures::detail

#endif
