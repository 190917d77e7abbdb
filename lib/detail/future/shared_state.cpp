//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/detail/shared_state.hpp>

#include "detail/sys/exception_text.hpp"
#include "detail/sys/futex.hpp"
#include "detail/sys/spin.hpp"

#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace concurrent::futures::detail {

namespace {

constexpr std::uint32_t status_mask = 0x7;
constexpr std::uint32_t locked_bit = 0x8;
constexpr std::uint32_t waiters_bit = 0x10;
constexpr std::uint32_t sleepers_bit = 0x20;

constexpr std::uint32_t bits(future_status s) noexcept {
  return static_cast<std::uint32_t>(s);
}
constexpr future_status status_of(std::uint32_t word) noexcept {
  return static_cast<future_status>(word & status_mask);
}
constexpr bool is_done(std::uint32_t word) noexcept {
  return status_of(word) >= future_status::cancelled;
}

// How long a blocking waiter spins before it sleeps on the futex: long enough
// to catch a short task finishing on another core without paying for a
// futex wake-up (several microseconds on a VM), short enough not to burn a
// core that a worker needs.
constexpr auto spin_before_sleep = std::chrono::microseconds(20);

} // namespace

deadline_type to_deadline(timeout_type timeout) noexcept {
  if (!timeout)
    return std::nullopt;
  auto const now = clock::now();
  double secs = timeout->count();
  if (!(secs > 0)) // also NaN
    return now;
  // A timeout beyond ~100 years is "forever" for every purpose and would
  // overflow the clock's representation.
  if (secs > 3.0e9)
    return std::nullopt;
  return now + std::chrono::duration_cast<clock::duration>(*timeout);
}

shared_state_base::~shared_state_base() {
  if (wait_helper* h = helper_.load(std::memory_order_relaxed))
    h->release();
  // Callbacks of a future that never completed: they own their storage.
  for (waiter* w = head_; w != nullptr;) {
    waiter* next = w->next_;
    w->linked_ = false;
    if (w->mode_ == waiter::mode::deferred)
      w->discard();
    w = next;
  }
}

void shared_state_base::destroy() noexcept {
  delete this;
}

future_status shared_state_base::status() const noexcept {
  auto s = raw_status();
  return s == future_status::completing ? future_status::running : s;
}

std::uint32_t shared_state_base::lock() const noexcept {
  std::uint32_t w = word_.load(std::memory_order_relaxed);
  for (unsigned spins = 0;;) {
    if (!(w & locked_bit)) {
      if (word_.compare_exchange_weak(w, w | locked_bit, std::memory_order_acquire,
                                      std::memory_order_relaxed))
        return w | locked_bit;
      continue;
    }
    spin_pause(spins);
    w = word_.load(std::memory_order_relaxed);
  }
}

void shared_state_base::unlock_keep() const noexcept {
  word_.fetch_and(~locked_bit, std::memory_order_release);
}

void shared_state_base::unlock_to(std::uint32_t status_bits) noexcept {
  std::uint32_t const list = head_ != nullptr ? waiters_bit : 0;
  bool const now_done = is_done(status_bits);
  std::uint32_t w = word_.load(std::memory_order_relaxed);
  std::uint32_t desired;
  do {
    // A sleeper may set its bit while we hold the lock; keep it unless this
    // transition is the one that wakes it.
    desired = status_bits | list | (now_done ? 0 : (w & sleepers_bit));
  } while (!word_.compare_exchange_weak(w, desired, std::memory_order_release,
                                        std::memory_order_relaxed));
  if (now_done && (w & sleepers_bit))
    futex_wake_all(word_);
}

waiter* shared_state_base::wake_waiters(waiter::wake_on which,
                                        future_status now) noexcept {
  // finished wakes every waiter; cancel() wakes `done` waiters and
  // set_running_or_notify_cancel() the `settled` ones.
  bool const all = now == future_status::finished;
  waiter* deferred_head = nullptr;
  waiter* deferred_tail = nullptr;
  for (waiter* w = head_; w != nullptr;) {
    waiter* next = w->next_;
    if (all || w->wake_on_ == which) {
      (w->prev_ ? w->prev_->next_ : head_) = w->next_;
      (w->next_ ? w->next_->prev_ : tail_) = w->prev_;
      w->prev_ = w->next_ = nullptr;
      w->linked_ = false;
      // Read once: a waiter that declines its claim may be freed by its
      // owner as soon as claim() returns, so it is not touched again.
      auto const mode = w->mode_;
      if (mode == waiter::mode::locked) {
        w->complete(*this, now);
      } else if (mode == waiter::mode::deferred || w->claim(*this, now)) {
        (deferred_tail ? deferred_tail->next_ : deferred_head) = w;
        deferred_tail = w;
      }
    }
    w = next;
  }
  return deferred_head;
}

void shared_state_base::run_deferred(waiter* chain, future_status now) noexcept {
  while (chain != nullptr) {
    waiter* next = chain->next_;
    chain->next_ = nullptr;
    chain->complete(*this, now);
    chain = next;
  }
}

bool shared_state_base::cancel() noexcept {
  std::uint32_t w = word_.load(std::memory_order_acquire);
  for (unsigned spins = 0;;) {
    auto const s = status_of(w);
    if (s == future_status::cancelled || s == future_status::cancelled_and_notified)
      return true;
    if (s != future_status::pending)
      return false;
    if (w & locked_bit) {
      spin_pause(spins);
      w = word_.load(std::memory_order_acquire);
      continue;
    }
    if (w & waiters_bit)
      return cancel_slow();
    if (word_.compare_exchange_weak(w, bits(future_status::cancelled),
                                    std::memory_order_acq_rel,
                                    std::memory_order_acquire)) {
      if (w & sleepers_bit)
        futex_wake_all(word_);
      return true;
    }
  }
}

bool shared_state_base::cancel_slow() noexcept {
  std::uint32_t const held = lock();
  auto const s = status_of(held);
  if (s != future_status::pending) {
    unlock_keep();
    return s == future_status::cancelled || s == future_status::cancelled_and_notified;
  }
  waiter* deferred = wake_waiters(waiter::wake_on::done, future_status::cancelled);
  unlock_to(bits(future_status::cancelled));
  run_deferred(deferred, future_status::cancelled);
  return true;
}

bool shared_state_base::start_task() noexcept {
  std::uint32_t w = word_.load(std::memory_order_acquire);
  for (unsigned spins = 0;;) {
    auto const s = status_of(w);
    if (w & locked_bit) {
      spin_pause(spins);
      w = word_.load(std::memory_order_acquire);
      continue;
    }
    if (s == future_status::pending) {
      if (word_.compare_exchange_weak(
              w, (w & ~status_mask) | bits(future_status::running),
              std::memory_order_acq_rel, std::memory_order_acquire))
        return true;
      continue;
    }
    if (s != future_status::cancelled)
      return false;
    std::uint32_t const held = lock();
    if (status_of(held) != future_status::cancelled) {
      unlock_keep();
      w = word_.load(std::memory_order_acquire);
      continue;
    }
    waiter* deferred =
        wake_waiters(waiter::wake_on::settled, future_status::cancelled_and_notified);
    unlock_to(bits(future_status::cancelled_and_notified));
    run_deferred(deferred, future_status::cancelled_and_notified);
    return false;
  }
}

bool shared_state_base::set_running_or_notify_cancel() {
  auto const s = raw_status();
  if (s != future_status::pending && s != future_status::cancelled)
    throw std::runtime_error("Future in unexpected state: " + repr() +
                             " (set_running_or_notify_cancel() is for the "
                             "executor, once, before the task runs)");
  if (start_task())
    return true;
  if (raw_status() == future_status::cancelled_and_notified)
    return false;
  // Lost a race with another completion.
  throw std::runtime_error("Future in unexpected state: " + repr());
}

bool shared_state_base::try_claim() noexcept {
  std::uint32_t w = word_.load(std::memory_order_acquire);
  for (unsigned spins = 0;;) {
    auto const s = status_of(w);
    if (s != future_status::pending && s != future_status::running)
      return false;
    if (w & locked_bit) {
      spin_pause(spins);
      w = word_.load(std::memory_order_acquire);
      continue;
    }
    if (word_.compare_exchange_weak(w,
                                    (w & ~status_mask) | bits(future_status::completing),
                                    std::memory_order_acq_rel, std::memory_order_acquire))
      return true;
  }
}

void shared_state_base::publish() noexcept {
  // Without waiters: one compare-and-swap; with them, under the lock.
  if (!publish_unless_waited())
    publish_slow();
}

bool shared_state_base::publish_unless_waited() noexcept {
  std::uint32_t w = word_.load(std::memory_order_relaxed);
  for (unsigned spins = 0;;) {
    if (w & locked_bit) {
      spin_pause(spins);
      w = word_.load(std::memory_order_relaxed);
      continue;
    }
    if (w & waiters_bit)
      return false;
    if (word_.compare_exchange_weak(w, bits(future_status::finished),
                                    std::memory_order_release,
                                    std::memory_order_relaxed)) {
      if (w & sleepers_bit)
        futex_wake_all(word_);
      return true;
    }
  }
}

void shared_state_base::publish_slow() noexcept {
  lock();
  waiter* deferred = wake_waiters(waiter::wake_on::done, future_status::finished);
  unlock_to(bits(future_status::finished));
  run_deferred(deferred, future_status::finished);
}

void shared_state_base::set_exception(std::exception_ptr e) {
  if (!e)
    throw std::invalid_argument(
        "set_exception() needs an exception, not an empty exception_ptr");
  if (!try_claim())
    throw_invalid_state();
  publish_exception(std::move(e));
}

void shared_state_base::throw_invalid_state() const {
  char const* name = "RUNNING";
  switch (raw_status()) {
  case future_status::pending:
    name = "PENDING";
    break;
  case future_status::running:
  case future_status::completing:
    name = "RUNNING";
    break;
  case future_status::cancelled:
    name = "CANCELLED";
    break;
  case future_status::cancelled_and_notified:
    name = "CANCELLED_AND_NOTIFIED";
    break;
  case future_status::finished:
    name = "FINISHED";
    break;
  }
  throw invalid_state_error(std::string(name) + ": " + repr());
}

bool shared_state_base::wait(deadline_type const& deadline) const noexcept {
  std::uint32_t w = word_.load(std::memory_order_acquire);
  if (is_done(w))
    return true;
  if (deadline && *deadline <= clock::now())
    return false;
  if (wait_helper* h = helper_.load(std::memory_order_acquire)) {
    h->help(*this, deadline);
    w = word_.load(std::memory_order_acquire);
    if (is_done(w))
      return true;
  }
  if (poll_for(
          [&] {
            w = word_.load(std::memory_order_acquire);
            return is_done(w);
          },
          spin_before_sleep, deadline))
    return true;
  for (;;) {
    if (is_done(w))
      return true;
    if (!(w & sleepers_bit)) {
      if (!word_.compare_exchange_weak(w, w | sleepers_bit, std::memory_order_acquire,
                                       std::memory_order_acquire))
        continue;
      w |= sleepers_bit;
    }
    if (!futex_wait(word_, w, deadline))
      return is_done(word_.load(std::memory_order_acquire));
    w = word_.load(std::memory_order_acquire);
  }
}

bool shared_state_base::add_waiter(waiter& n) noexcept {
  std::uint32_t const held = lock();
  bool const ready = n.wake_on_ == waiter::wake_on::done
                         ? is_done(held)
                         : (status_of(held) == future_status::finished ||
                            status_of(held) == future_status::cancelled_and_notified);
  if (ready) {
    unlock_keep();
    return false;
  }
  n.prev_ = tail_;
  n.next_ = nullptr;
  (tail_ ? tail_->next_ : head_) = &n;
  tail_ = &n;
  n.linked_ = true;
  word_.fetch_xor(locked_bit | ((held & waiters_bit) ? 0 : waiters_bit),
                  std::memory_order_release);
  return true;
}

bool shared_state_base::remove_waiter(waiter& n) noexcept {
  std::uint32_t const held = lock();
  if (!n.linked_) {
    unlock_keep();
    return false;
  }
  (n.prev_ ? n.prev_->next_ : head_) = n.next_;
  (n.next_ ? n.next_->prev_ : tail_) = n.prev_;
  n.prev_ = n.next_ = nullptr;
  n.linked_ = false;
  word_.fetch_xor(locked_bit | (head_ == nullptr ? waiters_bit : 0),
                  std::memory_order_release);
  (void)held;
  return true;
}

void shared_state_base::await_outcome(timeout_type timeout) const {
  // No done() check first, though it would skip 8 instructions: measured,
  // the submit + result loop ran ~10% slower with it (bench/README.md).
  if (!wait(to_deadline(timeout)))
    throw timeout_error();
  rethrow_if_failed();
}

std::exception_ptr shared_state_base::await_exception(timeout_type timeout) const {
  if (!wait(to_deadline(timeout)))
    throw timeout_error();
  if (cancelled())
    throw cancelled_error();
  return exception_;
}

void shared_state_base::rethrow_failure() const {
  auto const s = raw_status();
  if (s == future_status::cancelled || s == future_status::cancelled_and_notified)
    throw cancelled_error();
  if (exception_)
    std::rethrow_exception(exception_);
}

std::string shared_state_base::repr() const {
  std::ostringstream os;
  os << "<future at " << static_cast<void const*>(this) << " state=";
  switch (raw_status()) {
  case future_status::pending:
    os << "pending";
    break;
  case future_status::running:
  case future_status::completing:
    os << "running";
    break;
  case future_status::cancelled:
  case future_status::cancelled_and_notified:
    os << "cancelled";
    break;
  case future_status::finished:
    if (exception_)
      os << "finished raised " << type_name_of(exception_);
    else
      os << "finished returned " << value_type_name();
    break;
  }
  os << '>';
  return os.str();
}

} // namespace concurrent::futures::detail
