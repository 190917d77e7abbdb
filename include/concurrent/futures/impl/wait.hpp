//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_IMPL_WAIT_HPP
#define CONCURRENT_FUTURES_IMPL_WAIT_HPP

// Included at the bottom of wait.hpp: the asynchronous wait on a set.

#include <concurrent/futures/detail/asio/handler_op.hpp>
#include <concurrent/futures/detail/deadline_watch.hpp>

namespace concurrent::futures::detail {

/// `async_wait(futures, ...)`: one waiter node per distinct future.
template <class Future, class Handler>
class set_wait_op final
    : public handler_op<set_wait_op<Future, Handler>, wait_op_base, Handler> {
  using base = handler_op<set_wait_op<Future, Handler>, wait_op_base, Handler>;
  friend base;
  friend class op_invoker<set_wait_op>;
  using node = wait_op_base::node;
  using node_allocator = typename std::allocator_traits<
      op_allocator_t<Handler>>::template rebind_alloc<node>;
  using watcher = deadline_watch;

public:
  using typename base::allocator_type;

  static void launch(Handler h, unique_futures<Future>&& futures,
                     wait_options const& options) {
    auto const deadline = to_deadline(options.timeout);
    switch (options.return_when) {
    case return_when::first_completed:
    case return_when::first_exception:
    case return_when::all_completed:
      break;
    default:
      throw_invalid_return_when(options.return_when);
    }
    auto* op = base::create(std::move(h), std::move(futures), options.return_when);
    if (!op->start(op->context(), op->futures_.states)) {
      op->destroy();
      return;
    }
    if (deadline)
      op->watcher_ = watcher::arm(*deadline, *op);
    op->connect_slot();
    op->launched();
  }

  set_wait_op(Handler&& h, allocator_type const& alloc, unique_futures<Future>&& futures,
              return_when when)
      : set_wait_op(std::move(h), alloc, std::move(futures), when,
                    allocate_nodes(alloc, futures.states.size())) {}

  ~set_wait_op() {
    node_allocator alloc(this->get_op_allocator());
    for (std::size_t i = 0; i < count_; ++i)
      nodes_[i].~node();
    if (nodes_ != nullptr)
      std::allocator_traits<node_allocator>::deallocate(alloc, nodes_, count_);
  }

private:
  set_wait_op(Handler&& h, allocator_type const& alloc, unique_futures<Future>&& futures,
              return_when when, node* nodes)
      : base(std::move(h), alloc, std::span<node>(nodes, futures.states.size()), when,
             /*cancels_task=*/false),
        futures_(std::move(futures)), nodes_(nodes), count_(futures_.states.size()) {}

  static node* allocate_nodes(allocator_type const& alloc, std::size_t n) {
    if (n == 0)
      return nullptr;
    node_allocator a(alloc);
    node* p = std::allocator_traits<node_allocator>::allocate(a, n);
    for (std::size_t i = 0; i < n; ++i)
      ::new (static_cast<void*>(p + i)) node(waiter::wake_on::settled);
    return p;
  }

  void unlink_sources() noexcept override {
    if (watcher_)
      watcher_->detach();
    wait_op_base::unlink_sources();
  }

  void invoke() {
    bool const cancelled = this->fired_because() == async_op_base::reason::cancelled;
    unique_futures<Future> futures = std::move(futures_);
    auto up = this->release_for_upcall(); // detaches the watcher too
    std::shared_ptr<watcher> w = std::move(watcher_);
    this->free();
    if (cancelled) {
      std::move(up.handler)(cancelled_wait_error(cancelled_wait::future_set),
                            done_and_not_done<Future>{});
      return;
    }
    // A timeout is not an error (Python's wait()): the sets say what settled.
    done_and_not_done<Future> result;
    result.done.reserve(futures.futures.size());
    for (std::size_t i = 0; i < futures.futures.size(); ++i)
      (futures.states[i]->settled() ? result.done : result.not_done)
          .insert(std::move(futures.futures[i]));
    std::move(up.handler)(std::exception_ptr(), std::move(result));
  }

  unique_futures<Future> futures_;
  node* nodes_;
  std::size_t count_;
  std::shared_ptr<watcher> watcher_;
};

template <class Future>
struct initiate_set_wait {
  template <class Handler>
  void operator()(Handler&& h, unique_futures<Future> futures,
                  wait_options const& options) const {
    set_wait_op<Future, std::decay_t<Handler>>::launch(std::forward<Handler>(h),
                                                       std::move(futures), options);
  }
};

} // namespace concurrent::futures::detail

#endif
