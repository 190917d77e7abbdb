//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_IMPL_AS_COMPLETED_HPP
#define CONCURRENT_FUTURES_IMPL_AS_COMPLETED_HPP

// Included at the bottom of as_completed.hpp: async_next.

#include <concurrent/futures/detail/asio/handler_op.hpp>
#include <concurrent/futures/detail/deadline_watch.hpp>

#include <string>

namespace concurrent::futures::detail {

template <class Future, class Handler>
class next_op final : public handler_op<next_op<Future, Handler>, next_op_base, Handler> {
  using base = handler_op<next_op<Future, Handler>, next_op_base, Handler>;
  friend base;
  friend class op_invoker<next_op>;
  using watcher = deadline_watch;

public:
  using typename base::allocator_type;

  static void launch(Handler h, completion_queue* queue, Future* futures,
                     deadline_type const& deadline) {
    auto* op = base::create(std::move(h), futures);
    if (!op->link(op->context())) {
      op->destroy();
      return;
    }
    queue->async_next(*op, deadline);
    if (deadline)
      op->watcher_ = watcher::arm(*deadline, *op);
    op->connect_slot();
    op->launched();
  }

  next_op(Handler&& h, allocator_type const& alloc, Future* futures)
      : base(std::move(h), alloc), futures_(futures) {}

private:
  void take(std::size_t index) noexcept override { taken_ = std::move(futures_[index]); }

  void unlink_sources() noexcept override {
    if (watcher_)
      watcher_->detach();
    next_op_base::unlink_sources();
  }

  void invoke() {
    auto const why = this->fired_because();
    bool const range_gone = this->range_gone_; // read before free()
    std::optional<Future> taken = std::move(taken_);
    std::size_t const unfinished = this->unfinished_;
    std::size_t const total = this->total_;
    auto up = this->release_for_upcall(); // detaches the watcher too
    std::shared_ptr<watcher> w = std::move(watcher_);
    this->free();
    std::exception_ptr e;
    if (why == async_op_base::reason::cancelled)
      e = cancelled_wait_error(range_gone ? cancelled_wait::range_gone
                                          : cancelled_wait::next_completed);
    else if (why == async_op_base::reason::timed_out)
      e = std::make_exception_ptr(timeout_error(std::to_string(unfinished) + " (of " +
                                                std::to_string(total) +
                                                ") futures unfinished"));
    std::move(up.handler)(std::move(e), std::move(taken));
  }

  Future* futures_;
  std::optional<Future> taken_;
  std::shared_ptr<watcher> watcher_;
};

template <class Future>
struct initiate_next {
  template <class Handler>
  void operator()(Handler&& h, completion_queue* queue, Future* futures,
                  deadline_type const& deadline) const {
    next_op<Future, std::decay_t<Handler>>::launch(std::forward<Handler>(h), queue,
                                                   futures, deadline);
  }
};

} // namespace concurrent::futures::detail

#endif
