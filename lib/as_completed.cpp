//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/as_completed.hpp>

#include "detail/futex.hpp"

#include <mutex>
#include <string>

namespace concurrent::futures::detail {

struct completion_queue::node final : waiter {
  completion_queue* owner = nullptr;
  node* next_settled = nullptr;
  // Handed to the consumer: its future may be gone, so its state must not
  // be touched again (the completion already unlinked the node).
  bool returned = false;

  node() noexcept : waiter(wake_on::settled) {}

  // Under the future's lock, so the queue outlives the call: its destructor
  // removes every node, which takes that lock.
  void complete(shared_state_base&, future_status) noexcept override {
    owner->push(*this);
  }
};

struct completion_queue::impl {
  std::mutex mutex;
  node* head = nullptr;
  node* tail = nullptr;
  bool consumer_sleeps = false;
  // Bumped on every push; the consumer sleeps on it.
  std::atomic<std::uint32_t> sequence{0};
};

completion_queue::completion_queue(std::span<shared_state_base* const> states)
    : states_(states.begin(), states.end()),
      nodes_(std::make_unique<node[]>(states.size())), total_(states.size()),
      impl_(std::make_unique<impl>()) {
  for (std::size_t i = 0; i < states_.size(); ++i) {
    nodes_[i].owner = this;
    if (!states_[i]->add_waiter(nodes_[i]))
      push(nodes_[i]);
  }
}

completion_queue::~completion_queue() {
  for (std::size_t i = 0; i < states_.size(); ++i)
    if (!nodes_[i].returned)
      states_[i]->remove_waiter(nodes_[i]);
}

void completion_queue::push(node& n) noexcept {
  // Everything, the wake-up included, under the queue's mutex: once the
  // consumer has popped this node it may destroy the queue without taking
  // the future's lock again (see the destructor).
  std::lock_guard lock(impl_->mutex);
  n.next_settled = nullptr;
  (impl_->tail ? impl_->tail->next_settled : impl_->head) = &n;
  impl_->tail = &n;
  impl_->sequence.fetch_add(1, std::memory_order_release);
  if (std::exchange(impl_->consumer_sleeps, false))
    futex_wake(impl_->sequence, 1);
}

completion_queue::node* completion_queue::pop() noexcept {
  node* n = impl_->head;
  if (n != nullptr) {
    impl_->head = n->next_settled;
    if (impl_->head == nullptr)
      impl_->tail = nullptr;
  }
  return n;
}

std::optional<std::size_t> completion_queue::next(deadline_type const& deadline) {
  if (exhausted_ || returned_ == total_)
    return std::nullopt;
  for (bool timed_out = false;;) {
    std::uint32_t seen;
    {
      std::lock_guard lock(impl_->mutex);
      if (node* n = pop()) {
        impl_->consumer_sleeps = false;
        n->returned = true;
        ++returned_;
        return static_cast<std::size_t>(n - nodes_.get());
      }
      if (timed_out || (deadline && *deadline <= clock::now())) {
        exhausted_ = true;
        impl_->consumer_sleeps = false;
        throw timeout_error(std::to_string(total_ - returned_) + " (of " +
                            std::to_string(total_) + ") futures unfinished");
      }
      impl_->consumer_sleeps = true;
      seen = impl_->sequence.load(std::memory_order_relaxed);
    }
    if (!futex_wait(impl_->sequence, seen, deadline))
      timed_out = true;
  }
}

} // namespace concurrent::futures::detail
