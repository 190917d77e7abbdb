//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_AS_COMPLETED_HPP
#define CONCURRENT_FUTURES_AS_COMPLETED_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/async_op.hpp>
#include <concurrent/futures/detail/future_handle.hpp>
#include <concurrent/futures/future.hpp>

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace concurrent::futures {
namespace detail {

class completion_queue;

/// An `async_next` in flight: the queue hands it the next future, or the
/// end, under its mutex.
class CONCURRENT_FUTURES_DECL next_op_base : public async_op_base {
public:
  void cancel(boost::asio::cancellation_type type) noexcept override;
  void time_out() noexcept override;

protected:
  next_op_base() noexcept = default;
  ~next_op_base() = default;

  /// Under the queue's mutex: the future at `index` is this op's now.
  virtual void take(std::size_t index) noexcept = 0;

  void unlink_sources() noexcept override;

  std::size_t unfinished_ = 0; // for the timeout message
  std::size_t total_ = 0;
  bool range_gone_ = false; // fired as cancelled by the queue's destructor

private:
  friend class completion_queue;
  // Set and cleared under the queue's mutex; read by a cancellation on
  // the awaiting side while a completion may clear it.
  std::atomic<completion_queue*> queue_{nullptr};
};

/// The settled futures of a set, in the order they settled: one waiter per
/// future pushes itself on completion (no allocation then).
class CONCURRENT_FUTURES_DECL completion_queue {
public:
  /// Installs a waiter on every state; those already settled are queued
  /// first, in input order.
  explicit completion_queue(std::span<shared_state_base* const> states);

  /// Removes the waiters still installed; never touches the state of a
  /// future already returned (the caller may have dropped it).
  ~completion_queue();

  completion_queue(completion_queue const&) = delete;
  completion_queue& operator=(completion_queue const&) = delete;

  /// The index of the next settled future; empty once every future was
  /// returned or after a timeout.
  /**
   * @throws timeout_error "N (of M) futures unfinished" if the deadline
   * passes first; the queue is then exhausted.
   */
  std::optional<std::size_t> next(deadline_type const& deadline);

  /// How many futures were not returned yet.
  std::size_t unfinished() const noexcept;

  /// Hands the next settled future to `op` now or when one settles, or the
  /// end; times it out at once if `deadline` has passed with nothing ready.
  /// One consumer at a time.
  void async_next(next_op_base& op, deadline_type const& deadline) noexcept;

private:
  friend class next_op_base;
  struct node;
  void time_out(next_op_base& op) noexcept;
  void cancel_consumer(next_op_base& op) noexcept;
  void detach(next_op_base& op) noexcept;
  void hand_over(next_op_base& op, node& n) noexcept;
  void expire(next_op_base& op) noexcept;
  // Queues `n`; if an async_next waits, hands it `n`'s future, claims the
  // op and returns true: `n` then posts it once its future's lock is free.
  bool push(node& n) noexcept;
  node* pop() noexcept;

  std::vector<shared_state_base*> states_;
  std::unique_ptr<node[]> nodes_;
  std::size_t total_ = 0;
  std::size_t returned_ = 0;
  bool exhausted_ = false;

  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace detail

namespace detail {
template <class Future>
struct initiate_next;
} // namespace detail

/// Yields futures as they finish (Python's `concurrent.futures.as_completed`).
/**
 * A single-pass range over the distinct futures of the input: those already
 * done come first, then each as it finishes or is cancelled and notified.
 * Advancing past the last one ends the range; if the timeout (measured from
 * the first advance, as CPython does) passes first, advancing throws
 * `timeout_error` "N (of M) futures unfinished" and the range then ends.
 * Futures may come from any executors and promises; mix value types through
 * `cf::any_future`.
 *
 * A yielded future is not kept: the range holds only the futures still to
 * come and the current one.
 *
 * @par Thread Safety
 * One consumer at a time, like a Python generator; the futures themselves may
 * complete on any thread.
 *
 * @code
 * for (cf::future<int>& f : cf::as_completed(futs, 5s))
 *   std::cout << f.result() << '\n';
 * @endcode
 */
template <class Future>
class as_completed {
  static_assert(future_handle<Future>,
                "cf::as_completed needs cf::future<T> or cf::any_future");

public:
  /// Starts watching every future of `futures` (duplicates once).
  template <future_range R>
  explicit as_completed(R&& futures, timeout_type timeout = {})
      : as_completed(detail::unique_futures<Future>(std::forward<R>(futures)), timeout) {}

  /// `cf::as_completed({f, g, h}, 5s)`: as the range constructor.
  as_completed(std::initializer_list<Future> futures, timeout_type timeout = {})
      : as_completed(detail::unique_futures<Future>(futures), timeout) {}

  /// Moves the watch; a pending `async_next` must not be in flight.
  as_completed(as_completed&&) noexcept = default;
  /// Moves the watch; a pending `async_next` must not be in flight.
  as_completed& operator=(as_completed&&) noexcept = default;

  /// The next future to settle, or empty at the end.
  /**
   * @throws timeout_error when the timeout passes first.
   */
  std::optional<Future> next() {
    if (!started_) {
      started_ = true;
      deadline_ = detail::to_deadline(timeout_);
    }
    auto i = queue_->next(deadline_);
    if (!i)
      return std::nullopt;
    return std::move(futures_[*i]);
  }

  /// How many distinct futures are still to come.
  std::size_t unfinished() const noexcept { return queue_->unfinished(); }

  /// The completion signature of `async_next`.
  using next_signature = void(std::exception_ptr, std::optional<Future>);

  /// Waits asynchronously for the next future to settle: the asynchronous
  /// form of `next()`.
  /**
   * No thread blocks. The timeout given at construction applies, measured
   * from the first `next()` or `async_next()`. One `async_next` at a time;
   * this object must outlive it, or be destroyed on the thread that awaits
   * it (a pending `async_next` then completes with `cancelled_error`).
   *
   * @par Completion Signature
   * `void(std::exception_ptr e, std::optional<Future> f)`: the next future,
   * or empty at the end; or `e` is `timeout_error` ("N (of M) futures
   * unfinished"; the range has then ended) or `cancelled_error`.
   * The handler runs on its associated executor; see
   * `future<T>::async_wait`.
   *
   * @par Per-Operation Cancellation
   * Every type completes it with `cancelled_error`, whose message says that
   * `async_next`, not the futures, was cancelled; no future is lost: the
   * next call returns the one that would have been returned.
   *
   * @par Thread Safety
   * One consumer at a time, as `next()`; the futures may complete on any
   * thread. Cancellation must be emitted on the handler's executor.
   *
   * @code
   * cf::as_completed pending(futs);
   * while (auto f = co_await pending.async_next(asio::use_awaitable))
   *   std::cout << f->result() << '\n';
   * @endcode
   */
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(next_signature) Token>
  auto async_next(Token&& token) {
    if (!started_) {
      started_ = true;
      deadline_ = detail::to_deadline(timeout_);
    }
    return boost::asio::async_initiate<Token, next_signature>(
        detail::initiate_next<Future>{}, token, queue_.get(), futures_.data(), deadline_);
  }

  /// The input iterator of the range: it shares the range's position, so
  /// copies advance together.
  class iterator {
  public:
    ///@{
    /// An input iterator's traits: it yields `Future&`.
    using value_type = Future;
    using difference_type = std::ptrdiff_t;
    using reference = Future&;
    ///@}

    /// An iterator at no range, equal to the end.
    iterator() = default;

    /// The current future; valid until the range advances.
    Future& operator*() const noexcept { return *owner_->current_; }
    /// The current future; valid until the range advances.
    Future* operator->() const noexcept { return &*owner_->current_; }

    /// Waits for the next future; may throw timeout_error.
    iterator& operator++() {
      owner_->advance();
      return *this;
    }
    /// As `++it`; returns nothing, as a single-pass iterator may.
    void operator++(int) { ++*this; }

    friend bool operator==(iterator const& it, std::default_sentinel_t) noexcept {
      return it.at_end();
    }

  private:
    friend class as_completed;
    bool at_end() const noexcept { return owner_ == nullptr || !owner_->current_; }
    explicit iterator(as_completed* owner) noexcept : owner_(owner) {}
    as_completed* owner_ = nullptr;
  };

  /// Waits for the first future; may throw timeout_error.
  iterator begin() {
    advance();
    return iterator(this);
  }
  /// The end: reached once every future was yielded, or after a timeout.
  std::default_sentinel_t end() const noexcept { return {}; }

private:
  as_completed(detail::unique_futures<Future>&& u, timeout_type timeout)
      : futures_(std::move(u.futures)),
        queue_(std::make_unique<detail::completion_queue>(u.states)), timeout_(timeout) {}

  void advance() {
    current_.reset();
    current_ = next();
  }

  std::vector<Future> futures_;
  std::unique_ptr<detail::completion_queue> queue_;
  std::optional<Future> current_;
  timeout_type timeout_;
  detail::deadline_type deadline_;
  bool started_ = false;
};

/// Deduces the future type from the range: `cf::as_completed(futs)`.
template <future_range R>
as_completed(R&&, timeout_type = {})
    -> as_completed<std::remove_cvref_t<std::ranges::range_value_t<R>>>;

} // namespace concurrent::futures

#include <concurrent/futures/impl/as_completed.hpp>

#endif
