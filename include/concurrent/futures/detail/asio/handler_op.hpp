//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_ASIO_HANDLER_OP_HPP
#define CONCURRENT_FUTURES_DETAIL_ASIO_HANDLER_OP_HPP

#include <concurrent/futures/detail/async_op.hpp>
#include <concurrent/futures/detail/task_memory.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_allocator.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/system_executor.hpp>

#include <memory>
#include <mutex>
#include <type_traits>
#include <utility>

namespace concurrent::futures::detail {

namespace asio = boost::asio;

/// The allocator an op for `Handler` uses: its associated allocator, or the
/// task memory when it has none (Asio's own operations use its recycling
/// allocator there; see task_memory_allocator for why ours do not). The
/// invoker posted to the handler's executor allocates with it too.
template <class Handler>
using op_allocator_t = std::conditional_t<
    std::is_same_v<asio::associated_allocator_t<Handler>, std::allocator<void>>,
    task_memory_allocator<void>, asio::associated_allocator_t<Handler>>;

template <class Handler>
op_allocator_t<Handler> op_allocator(Handler const& h) noexcept {
  if constexpr (std::is_same_v<asio::associated_allocator_t<Handler>,
                               std::allocator<void>>)
    return {};
  else
    return asio::get_associated_allocator(h);
}

/// The handler's associated executor (Asio's system executor if it has
/// none), keeping its context's work outstanding until the op completes.
template <class Handler>
using work_executor_t = std::decay_t<decltype(asio::prefer(
    std::declval<asio::associated_executor_t<Handler, asio::system_executor>>(),
    asio::execution::outstanding_work.tracked))>;

/// Owns a fired op from its post until it runs on the handler's executor;
/// destroyed unrun (its context shut down), it frees the op.
template <class Op>
class op_invoker {
public:
  using allocator_type = typename Op::allocator_type;

  op_invoker(Op* op, allocator_type const& alloc) noexcept : op_(op), alloc_(alloc) {}
  op_invoker(op_invoker&& other) noexcept
      : op_(std::exchange(other.op_, nullptr)), alloc_(other.alloc_) {}
  op_invoker& operator=(op_invoker&&) = delete;
  ~op_invoker() {
    if (op_ != nullptr)
      op_->abandon();
  }

  void operator()() { std::exchange(op_, nullptr)->invoke(); }

  allocator_type get_allocator() const noexcept { return alloc_; }

private:
  Op* op_;
  allocator_type alloc_;
};

/// A fired op on its way to its handler's executor, with the op's type
/// erased: what `post_to_io_context` posts.
struct erased_invoker {
  void* op;
  void (*run)(void* op);           // the op's invoke()
  void (*drop)(void* op) noexcept; // the op's abandon(): posted, never run
};

/// Posts `inv` to the io_context that `ex` is an executor of, through that
/// context's own executor type, so that the queued operation comes from the
/// task memory (freed by the io_context's thread in a few instructions).
/// Through `any_io_executor` itself, Asio wraps the function once more and
/// takes both blocks from `malloc` in the posting pool thread, which the io
/// thread then frees into another thread's arena: 250 instructions on the
/// io thread per completion (callgrind; bench/README.md, the coroutine
/// bridge). False, having posted nothing, if `ex` is not an io_context's
/// executor as an op holds it, tracking work (a strand, a thread pool's):
/// the caller posts as usual then.
CONCURRENT_FUTURES_DECL bool post_to_io_context(asio::any_io_executor const& ex,
                                                erased_invoker inv);

/// What every handler-holding op shares: the handler, the tracked executor,
/// the cancellation slot, and allocation through the handler's allocator.
/**
 * `Base` is the compiled half (an async_op_base). `Derived` provides
 * `deliver(Handler&&)`-style completion in its own invoke().
 */
template <class Derived, class Base, class Handler>
class handler_op : public Base {
public:
  using allocator_type = typename std::allocator_traits<
      op_allocator_t<Handler>>::template rebind_alloc<Derived>;

  /// Allocates and constructs a Derived through the handler's allocator.
  template <class... Args>
  static Derived* create(Handler&& h, Args&&... args) {
    allocator_type alloc(op_allocator(h));
    Derived* p = std::allocator_traits<allocator_type>::allocate(alloc, 1);
    try {
      ::new (static_cast<void*>(p))
          Derived(std::move(h), alloc, std::forward<Args>(args)...);
    } catch (...) {
      std::allocator_traits<allocator_type>::deallocate(alloc, p, 1);
      throw;
    }
    return p;
  }

  /// The execution context the handler completes in.
  asio::execution_context& context() const noexcept {
    return asio::query(work_, asio::execution::context);
  }

  /// Connects the handler's cancellation slot, if it has one.
  void connect_slot() {
    if (slot_.is_connected())
      slot_.template emplace<cancel_fn>(this);
  }

  /// The executor the handler completes on, keeping work outstanding.
  work_executor_t<Handler> const& work_executor() const noexcept { return work_; }

  /// Invoker destroyed unrun: detach and free, dropping the handler.
  void abandon() noexcept {
    this->unlink();
    destroy();
  }

protected:
  template <class... BaseArgs>
  handler_op(Handler&& h, allocator_type const& alloc, BaseArgs&&... base_args)
      : Base(std::forward<BaseArgs>(base_args)...), handler_(std::move(h)),
        work_(
            asio::prefer(asio::get_associated_executor(handler_, asio::system_executor()),
                         asio::execution::outstanding_work.tracked)),
        slot_(asio::get_associated_cancellation_slot(handler_)), alloc_(alloc) {}
  ~handler_op() = default;

  void post_completion() noexcept override {
    // A coroutine's handler (asio::awaitable) completes on an
    // any_io_executor, which is nearly always an io_context's.
    if constexpr (std::is_same_v<work_executor_t<Handler>, asio::any_io_executor> &&
                  std::is_same_v<op_allocator_t<Handler>, task_memory_allocator<void>>) {
      if (post_to_io_context(work_, {static_cast<Derived*>(this), &run_op, &drop_op}))
        return;
    }
    asio::post(work_, op_invoker<Derived>(static_cast<Derived*>(this), alloc_));
  }

  void destroy() noexcept override {
    if (slot_.is_connected())
      slot_.clear();
    // The handler outlives the op's memory (it may own what frees others).
    [[maybe_unused]] Handler h(std::move(handler_));
    free();
  }

  /// Unlinks, clears the slot and frees the op, returning the handler and
  /// the tracked executor for the upcall (memory first, as Asio does).
  struct upcall {
    Handler handler;
    work_executor_t<Handler> work;
  };
  upcall release_for_upcall() noexcept {
    this->unlink();
    if (slot_.is_connected())
      slot_.clear();
    return upcall{std::move(handler_), std::move(work_)};
  }

  /// The allocator this op came from.
  allocator_type const& get_op_allocator() const noexcept { return alloc_; }

  /// Destroys and deallocates this op.
  void free() noexcept {
    allocator_type alloc(alloc_);
    auto* self = static_cast<Derived*>(this);
    self->~Derived();
    std::allocator_traits<allocator_type>::deallocate(alloc, self, 1);
  }

private:
  static void run_op(void* op) { static_cast<Derived*>(op)->invoke(); }
  static void drop_op(void* op) noexcept { static_cast<Derived*>(op)->abandon(); }

  struct cancel_fn {
    handler_op* op;
    explicit cancel_fn(handler_op* o) noexcept : op(o) {}
    void operator()(asio::cancellation_type type) noexcept { op->cancel(type); }
  };

  Handler handler_;
  work_executor_t<Handler> work_;
  asio::associated_cancellation_slot_t<Handler> slot_;
  allocator_type alloc_;
};

} // namespace concurrent::futures::detail

#endif
