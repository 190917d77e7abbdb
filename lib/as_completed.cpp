//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/as_completed.hpp>

#include "detail/sys/futex.hpp"

#include <mutex>
#include <string>

namespace concurrent::futures::detail {

struct completion_queue::node final : waiter {
  completion_queue* owner = nullptr;
  node* next_settled = nullptr;
  // Handed to the consumer: its future may be gone, so its state must not
  // be touched again (the completion already unlinked the node).
  bool returned = false;
  // An async_next this completion claimed, to post after the future's lock.
  next_op_base* to_post = nullptr;

  node() noexcept : waiter(wake_on::settled, mode::claimed) {}

  // Under the future's lock, so the queue outlives the call: its destructor
  // removes every node, which takes that lock.
  // Nothing here may touch the node once push() has returned: a blocking
  // consumer may by then have taken it and destroyed the queue.
  bool claim(shared_state_base&, future_status) noexcept override {
    return owner->push(*this);
  }

  // After the lock: the claimed op keeps its handler, and with it whatever
  // owns this queue, alive until it is posted.
  void complete(shared_state_base&, future_status) noexcept override {
    std::exchange(to_post, nullptr)->post_claimed();
  }
};

struct completion_queue::impl {
  std::mutex mutex;
  node* head = nullptr;
  node* tail = nullptr;
  bool consumer_sleeps = false;
  // An async_next waiting for the next push.
  next_op_base* consumer = nullptr;
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
      push(nodes_[i]); // no async_next can wait yet
  }
}

completion_queue::~completion_queue() {
  {
    // Like an Asio I/O object: a pending async_next completes as cancelled
    // and no longer refers to the queue.
    std::lock_guard lock(impl_->mutex);
    if (auto* op = std::exchange(impl_->consumer, nullptr)) {
      op->queue_ = nullptr;
      op->range_gone_ = true; // read by the invoker, after fire()'s post
      op->fire(async_op_base::reason::cancelled);
    }
  }
  for (std::size_t i = 0; i < states_.size(); ++i)
    if (!nodes_[i].returned)
      states_[i]->remove_waiter(nodes_[i]);
}

bool completion_queue::push(node& n) noexcept {
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
  auto* op = std::exchange(impl_->consumer, nullptr);
  if (op == nullptr)
    return false;
  // An async_next waits, so the queue was empty: `first` is `n`, and the
  // queue stays alive until that op has been posted.
  hand_over(*op, *pop());
  if (!op->claim(async_op_base::reason::ready))
    return false;
  n.to_post = op;
  return true;
}

// Under the mutex: `n`'s future is `op`'s now; the caller fires or claims it.
void completion_queue::hand_over(next_op_base& op, node& n) noexcept {
  n.returned = true;
  ++returned_;
  op.take(static_cast<std::size_t>(&n - nodes_.get()));
  op.queue_ = nullptr;
}

// Under the mutex: the range ends, and `op` (no longer the consumer) fires
// with timeout_error.
void completion_queue::expire(next_op_base& op) noexcept {
  op.queue_ = nullptr;
  exhausted_ = true;
  op.unfinished_ = total_ - returned_;
  op.total_ = total_;
  op.fire(async_op_base::reason::timed_out);
}

std::size_t completion_queue::unfinished() const noexcept {
  std::lock_guard lock(impl_->mutex);
  return total_ - returned_;
}

void completion_queue::async_next(next_op_base& op,
                                  deadline_type const& deadline) noexcept {
  std::lock_guard lock(impl_->mutex);
  if (exhausted_ || returned_ == total_) {
    op.fire(async_op_base::reason::ready); // the end: nothing taken
    return;
  }
  if (node* n = pop()) {
    hand_over(op, *n);
    op.fire(async_op_base::reason::ready);
    return;
  }
  if (deadline && *deadline <= clock::now()) {
    expire(op);
    return;
  }
  op.queue_ = this;
  impl_->consumer = &op;
}

void completion_queue::time_out(next_op_base& op) noexcept {
  std::lock_guard lock(impl_->mutex);
  if (impl_->consumer != &op)
    return;
  impl_->consumer = nullptr;
  expire(op);
}

void completion_queue::cancel_consumer(next_op_base& op) noexcept {
  std::lock_guard lock(impl_->mutex);
  if (impl_->consumer != &op)
    return;
  impl_->consumer = nullptr;
  op.queue_ = nullptr;
  op.fire(async_op_base::reason::cancelled);
}

void completion_queue::detach(next_op_base& op) noexcept {
  std::lock_guard lock(impl_->mutex);
  if (impl_->consumer == &op)
    impl_->consumer = nullptr;
  op.queue_ = nullptr;
}

void next_op_base::cancel(boost::asio::cancellation_type) noexcept {
  if (auto* q = queue_.load(std::memory_order_acquire))
    q->cancel_consumer(*this);
}

void next_op_base::time_out() noexcept {
  if (auto* q = queue_.load(std::memory_order_acquire))
    q->time_out(*this);
}

void next_op_base::unlink_sources() noexcept {
  if (auto* q = queue_.load(std::memory_order_acquire))
    q->detach(*this);
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
  for (bool timed_out = false;;) {
    std::uint32_t seen;
    std::optional<std::size_t> taken;
    {
      std::lock_guard lock(impl_->mutex);
      if (exhausted_ || returned_ == total_)
        return std::nullopt;
      if (node* n = pop()) {
        impl_->consumer_sleeps = false;
        n->returned = true;
        ++returned_;
        taken = static_cast<std::size_t>(n - nodes_.get());
      } else {
        if (timed_out || (deadline && *deadline <= clock::now())) {
          exhausted_ = true;
          impl_->consumer_sleeps = false;
          throw timeout_error(std::to_string(total_ - returned_) + " (of " +
                              std::to_string(total_) + ") futures unfinished");
        }
        impl_->consumer_sleeps = true;
        seen = impl_->sequence.load(std::memory_order_relaxed);
      }
    }
    if (taken) {
      // The node is pushed under the future's lock, a moment before the
      // future's word says done: a consumer that woke at once must not hand
      // out a future whose done() is still false.
      states_[*taken]->wait(std::nullopt);
      return taken;
    }
    if (!futex_wait(impl_->sequence, seen, deadline))
      timed_out = true;
  }
}

} // namespace concurrent::futures::detail
