//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A fired op's invoker posted to an io_context named by an any_io_executor;
// see handler_op.hpp for why not through the any_io_executor.

#include <concurrent/futures/detail/asio/handler_op.hpp>
#include <concurrent/futures/detail/task_memory.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <type_traits>
#include <utility>

namespace concurrent::futures::detail {

namespace {

// What the op holds for a coroutine spawned on an io_context: its
// executor, keeping work outstanding. One with other properties required
// (blocking.never, relationship.continuation) takes Asio's path.
using tracked_io_executor =
    std::decay_t<decltype(asio::prefer(std::declval<asio::io_context::executor_type>(),
                                       asio::execution::outstanding_work.tracked))>;

// Owns the op until it runs; destroyed unrun (the io_context was destroyed
// with it queued), it abandons the op, as op_invoker does.
class invoker {
public:
  using allocator_type = task_memory_allocator<void>;

  explicit invoker(erased_invoker inv) noexcept : inv_(inv) {}
  invoker(invoker&& other) noexcept : inv_(std::exchange(other.inv_, {})) {}
  invoker& operator=(invoker&&) = delete;
  ~invoker() {
    if (inv_.op != nullptr)
      inv_.drop(inv_.op);
  }

  void operator()() {
    erased_invoker const inv = std::exchange(inv_, {});
    inv.run(inv.op);
  }

  allocator_type get_allocator() const noexcept { return {}; }

private:
  erased_invoker inv_;
};

} // namespace

bool post_to_io_context(asio::any_io_executor const& ex, erased_invoker inv) {
  auto const* io = ex.target<tracked_io_executor>();
  if (io == nullptr)
    return false;
  asio::post(*io, invoker(inv));
  return true;
}

} // namespace concurrent::futures::detail
