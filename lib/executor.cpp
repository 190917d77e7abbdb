//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/detail/dependent_task.hpp>
#include <concurrent/futures/executor.hpp>

#include <cassert>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace concurrent::futures {
namespace detail {

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

dependent_core::dependent_core(std::shared_ptr<dependent_gate> gate, std::size_t parents)
    : gate_(std::move(gate)), links_(parents == 0 ? nullptr : new parent_link[parents]),
      remaining_(parents), self_(*this) {}

dependent_core::~dependent_core() = default;

void dependent_core::enter() {
  gate_->enter(*this);
}

void dependent_core::arm(std::vector<shared_state_base*> const& parents) noexcept {
  // Nothing armed yet, so the count is still the constructor's.
  assert(parents.size() == remaining_.load(std::memory_order_relaxed));
  // Its own cancel() first, so a parent cancelled during arming cascades.
  state().add_waiter(self_);
  if (parents.empty()) {
    all_parents_done();
    return;
  }
  for (std::size_t i = 0; i < parents.size(); ++i) {
    parent_link& link = links_[i];
    link.owner = this;
    state().add_ref(); // the link's, released when it fires
    if (!parents[i]->add_waiter(link)) {
      // Already done: handled here, in order.
      future_status const now = parents[i]->status();
      parent_done(*parents[i], now);
    }
  }
}

void dependent_core::parent_link::complete(shared_state_base& parent,
                                           future_status now) noexcept {
  owner->parent_done(parent, now);
}

void dependent_core::parent_link::discard() noexcept {
  // The parent's state went without completing; it cannot while this task
  // holds it, so this is only a safety net.
  dependent_core* d = owner;
  if (d->settle())
    d->fail(std::make_exception_ptr(
        std::runtime_error("a dependency was destroyed without completing")));
  d->state().release();
}

void dependent_core::self_link::complete(shared_state_base&, future_status now) noexcept {
  if (now == future_status::cancelled && owner_.settle())
    owner_.notify_cancelled();
}

void dependent_core::parent_done(shared_state_base& parent, future_status now) noexcept {
  // The link's reference keeps this task alive until the end.
  shared_state_base& self = state();
  if (now == future_status::cancelled || now == future_status::cancelled_and_notified) {
    if (settle())
      cancel_unrun();
  } else if (parent.stored_exception()) {
    if (settle())
      fail(parent.stored_exception());
  } else if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    all_parents_done();
  }
  self.release();
}

void dependent_core::all_parents_done() noexcept {
  if (!settle())
    return;
  try {
    gate_->release(*this);
    return; // queued: the pending reference is the queue's now
  } catch (...) {
    publish_unrun(std::current_exception()); // out of the gate already
    state().release();
  }
}

void dependent_core::publish_unrun(std::exception_ptr const& e) noexcept {
  std::exception_ptr const keep = e; // `e` may live in a parent that drop() frees
  drop();
  shared_state_base& s = state();
  if (s.try_claim())
    s.publish_exception(keep);
  else
    s.start_task(); // the task was cancelled meanwhile: notify
}

void dependent_core::fail(std::exception_ptr const& e) noexcept {
  publish_unrun(e);
  gate_->leave(*this);
  state().release();
}

void dependent_core::cancel_unrun() noexcept {
  state().cancel(); // runs its callbacks: the dependents below cascade
  notify_cancelled();
}

void dependent_core::notify_cancelled() noexcept {
  drop();
  shared_state_base& s = state();
  s.start_task(); // cancelled and notified: wait() and as_completed() see it
  gate_->leave(*this);
  s.release();
}

} // namespace detail

executor::executor() : dependents_(std::make_shared<detail::dependent_gate>(*this)) {}

executor::~executor() {
  dependents_->detach();
}

void executor::close_dependents(bool wait, bool cancel_futures) {
  dependents_->close(wait, cancel_futures);
}

} // namespace concurrent::futures

namespace concurrent::futures::detail {

void throw_wire_not_visible() {
  throw std::invalid_argument(
      "a pool whose calls run in other processes was given a call submitted through "
      "cf::executor& in a translation unit that does not include "
      "<concurrent/futures/process_pool_executor.hpp>, so the code that encodes the "
      "call was not made there: include that header (or <concurrent/futures.hpp>) "
      "where the call is submitted");
}

} // namespace concurrent::futures::detail
