//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/detail/async_op.hpp>

#include <concurrent/futures/exceptions.hpp>

#include "detail/sys/spin.hpp"
#include "wait_condition.hpp"

#include <cstdint>
#include <thread>

namespace concurrent::futures::detail {

namespace asio = boost::asio;

std::exception_ptr cancelled_wait_error(cancelled_wait what) noexcept {
  // The default message says the task was cancelled before it ran; a
  // cancelled wait must not claim that of a task that ran and returned.
  char const* message = "";
  switch (what) {
  case cancelled_wait::running_task:
    message = "the wait was cancelled, not the future: its task had already started, "
              "so it was left to finish and its result is dropped";
    break;
  case cancelled_wait::future_set:
    message = "the wait was cancelled, not the futures: they are left as they were "
              "(those not done go on)";
    break;
  case cancelled_wait::next_completed:
    message = "async_next was cancelled, not the futures: they are left as they were, "
              "and the next async_next or next() yields the one this would have";
    break;
  case cancelled_wait::range_gone:
    message = "async_next was cancelled because its as_completed was destroyed, not "
              "the futures: they are left as they were";
    break;
  }
  return std::make_exception_ptr(cancelled_error(message));
}

bool async_op_base::fire(reason why) noexcept {
  if (fired_.exchange(true, std::memory_order_acq_rel))
    return false;
  // Published to the invoker by the executor's queue, which the post below
  // goes through.
  reason_ = why;
  release();
  return true;
}

bool async_op_base::claim(reason why) noexcept {
  if (fired_.exchange(true, std::memory_order_acq_rel))
    return false;
  reason_ = why;
  // service_ is set before any waiter is linked; the service's shutdown
  // removes every waiter before it reads the count.
  if (service_ != nullptr)
    service_->posting_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void async_op_base::post_claimed() noexcept {
  async_op_service* service = service_;
  release(); // may post, and the op be freed on the handler's executor
  if (service != nullptr)
    service->posting_.fetch_sub(1, std::memory_order_release);
}

void async_op_base::release() noexcept {
  if (holds_.fetch_sub(1, std::memory_order_acq_rel) == 1)
    post_completion();
}

void async_op_base::cancel(asio::cancellation_type) noexcept {
  fire(reason::cancelled);
}

namespace {

// The context this thread last linked an op in, and its service: use_service
// takes the registry's mutex and walks its list on every co_await (90
// instructions, callgrind). The count moves whenever a service goes, so an
// entry for a context destroyed since (and maybe another one made at its
// address) is never used; an op started on a context while it is destroyed
// is undefined in Asio anyway.
std::atomic<std::uint64_t> services_gone{0};

struct last_service {
  asio::execution_context* context = nullptr;
  async_op_service* service = nullptr;
  std::uint64_t generation = 0;
};
constinit thread_local last_service last;

} // namespace

bool async_op_base::link(asio::execution_context& context) {
  std::uint64_t const generation = services_gone.load(std::memory_order_acquire);
  if (last.context != &context || last.generation != generation) {
    last.service = &asio::use_service<async_op_service>(context);
    last.context = &context;
    last.generation = generation;
  }
  return last.service->add(*this);
}

void async_op_base::unlink() noexcept {
  unlink_sources();
  if (service_ != nullptr)
    service_->remove(*this);
}

asio::execution_context::id async_op_service::id;

async_op_service::async_op_service(asio::execution_context& context)
    : asio::execution_context::service(context) {}

async_op_service::~async_op_service() {
  services_gone.fetch_add(1, std::memory_order_release);
}

std::size_t async_op_service::pending() const {
  spin_mutex::guard lock(locked_);
  std::size_t n = 0;
  for (auto* op = head_; op != nullptr; op = op->next_)
    ++n;
  return n;
}

bool async_op_service::add(async_op_base& op) {
  spin_mutex::guard lock(locked_);
  if (shut_down_)
    return false;
  op.service_ = this;
  op.prev_ = nullptr;
  op.next_ = head_;
  if (head_ != nullptr)
    head_->prev_ = &op;
  head_ = &op;
  return true;
}

void async_op_service::remove(async_op_base& op) noexcept {
  spin_mutex::guard lock(locked_);
  if (op.service_ != this)
    return;
  (op.prev_ ? op.prev_->next_ : head_) = op.next_;
  if (op.next_ != nullptr)
    op.next_->prev_ = op.prev_;
  op.prev_ = op.next_ = nullptr;
  op.service_ = nullptr;
}

void async_op_service::shutdown() {
  // The context is going away (its destructor runs; no thread runs its
  // handlers any more). Take every op out of the list first: destroying one
  // destroys its handler, which may own other ops' awaiters.
  async_op_base* list = nullptr;
  {
    spin_mutex::guard lock(locked_);
    shut_down_ = true;
    list = std::exchange(head_, nullptr);
  }
  // After this no future completion can reach an op: each removal takes the
  // lock its completion runs under.
  for (auto* op = list; op != nullptr; op = op->next_)
    op->unlink_sources();
  // A completion that claimed an op under a future's lock posts its invoker
  // just after releasing it: wait for those posts, so that they reach the
  // scheduler before it shuts down (it runs after this service).
  while (posting_.load(std::memory_order_acquire) != 0)
    std::this_thread::yield();
  while (list != nullptr) {
    async_op_base* op = list;
    list = op->next_;
    {
      spin_mutex::guard lock(locked_);
      op->prev_ = op->next_ = nullptr;
      op->service_ = nullptr;
    }
    // A completion that came first has posted the invoker; the context's
    // scheduler destroys it, and the invoker frees the op. Otherwise the op
    // is ours to free.
    if (!op->fired_.exchange(true, std::memory_order_acq_rel))
      op->destroy();
  }
}

wait_op_base::wait_op_base(std::span<node> nodes, return_when when,
                           bool cancels_task) noexcept
    : nodes_(nodes), when_(when), cancels_task_(cancels_task) {}

// Under the future's lock: only decide and claim. Posting to the handler's
// executor waits for complete(), after the lock is released, so the thread
// that resumes does not find the lock still held (measured: a convoy of
// three context switches per hop on two CPUs).
bool wait_op_base::node::claim(shared_state_base& s, future_status now) noexcept {
  if (!op->meets_condition(s, now) || !op->claim(reason::ready))
    return false;
  fired_op.store(true, std::memory_order_release);
  return true;
}

void wait_op_base::node::complete(shared_state_base&, future_status) noexcept {
  op->post_claimed();
}

bool wait_op_base::meets_condition(shared_state_base& s, future_status now) noexcept {
  return wait_condition_met(when_, now == future_status::finished && s.stored_exception(),
                            remaining_);
}

bool wait_op_base::start(asio::execution_context& context,
                         std::span<shared_state_base* const> states) {
  if (!link(context))
    return false;
  remaining_.store(static_cast<std::ptrdiff_t>(states.size()), std::memory_order_relaxed);
  if (states.empty()) {
    fire(reason::ready);
    return true;
  }
  for (std::size_t i = 0; i < states.size(); ++i) {
    nodes_[i].op = this;
    nodes_[i].state = states[i];
  }
  for (std::size_t i = 0; i < states.size(); ++i)
    if (!states[i]->add_waiter(nodes_[i]) &&
        meets_condition(*states[i], states[i]->status()))
      fire(reason::ready);
  return true;
}

void wait_op_base::unlink_sources() noexcept {
  for (auto& n : nodes_)
    if (n.state != nullptr && !n.fired_op.load(std::memory_order_acquire))
      n.state->remove_waiter(n);
}

void wait_op_base::cancel(asio::cancellation_type type) noexcept {
  using ct = asio::cancellation_type;
  if (cancels_task_) {
    // asyncio's wrap_future: cancelling the wait cancels the task if it has
    // not started; the node then fires with the state cancelled.
    if (nodes_[0].state->cancel())
      return;
    // Running or finished: the wait alone can be abandoned, which leaves
    // the task's effects to happen; only terminal and partial allow that.
    if ((type & (ct::terminal | ct::partial)) != ct::none)
      fire(reason::cancelled);
    return;
  }
  // Waiting on a set has no effects of its own: any type stops it, and the
  // futures are left alone, as asyncio.wait() leaves them.
  fire(reason::cancelled);
}

} // namespace concurrent::futures::detail
