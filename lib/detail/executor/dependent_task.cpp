//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A task submitted with after(...): it waits for its parents, then goes to
// its executor's queue, or settles without running (a parent failed or was
// cancelled, the executor shut down).

#include <concurrent/futures/detail/dependent_task.hpp>

#include "dependent_gate.hpp"

#include <cassert>
#include <exception>
#include <stdexcept>
#include <vector>

namespace concurrent::futures::detail {

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

} // namespace concurrent::futures::detail
