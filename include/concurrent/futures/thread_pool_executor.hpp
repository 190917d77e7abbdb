//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_THREAD_POOL_EXECUTOR_HPP
#define CONCURRENT_FUTURES_THREAD_POOL_EXECUTOR_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/executor.hpp>

#include <boost/asio/execution.hpp>
#include <boost/asio/execution_context.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>

namespace concurrent::futures {

namespace detail {
class thread_pool_core;
}

/// Options of `thread_pool_executor` (Python's constructor arguments).
struct thread_pool_options {
  /// Most threads the pool starts; empty: `min(32, cores + 4)` as in
  /// Python, cores being the CPUs this process may run on. Zero or negative
  /// is an error.
  std::optional<int> max_workers = {};
  /// Workers are named `<prefix>_<i>`, i from 0, as Python names them;
  /// empty: `ThreadPool-<n>`, n counting pools in the process. Linux keeps
  /// 15 bytes of a thread's name: a longer prefix is cut, the `_<i>` kept.
  std::string thread_name_prefix = {};
  /// Runs first in every worker thread. If it throws, the pool is broken:
  /// queued futures fail with `broken_thread_pool`, and so does every later
  /// `submit`.
  std::function<void()> initializer = {};
};

/// A pool of threads that runs submitted calls and Asio handlers (Python's
/// `ThreadPoolExecutor`, and an Asio execution context).
/**
 * Threads start on demand, one per `submit` that finds no idle thread, up
 * to `max_workers`, and stay until shutdown; an idle thread is always
 * reused first. Tasks start in submission order.
 *
 * As an Asio execution context it has an `executor_type`:
 * `asio::post(pool, handler)`, `asio::dispatch`,
 * `asio::co_spawn(pool.get_executor(), ...)`, `any_io_executor` and
 * services all work. A handler that throws is reported on stderr and the
 * worker carries on. Work tracked through the executor
 * (`outstanding_work.tracked`, as co_spawn and work guards use) keeps
 * `shutdown(true)` waiting, as `asio::thread_pool::join()` does. After
 * `shutdown`, handlers still run while workers remain (a coroutine on the
 * pool can finish); once every worker has left, a handler posted is
 * destroyed unrun, as on a stopped `asio::thread_pool`. A broken pool drops
 * handlers at once.
 *
 * The destructor calls `shutdown(true)`: queued work runs, then the threads
 * are joined.
 *
 * @par Thread Safety
 * Every member function may be called from any thread, concurrently, also
 * from the pool's own threads; `shutdown(true)` from a worker thread waits
 * for the other workers only.
 *
 * @code
 * cf::thread_pool_executor pool{{.max_workers = 4, .thread_name_prefix = "io"}};
 * auto f = pool.submit(download, url);
 * asio::post(pool, [] { std::puts("an Asio handler on the pool"); });
 * @endcode
 */
class CONCURRENT_FUTURES_DECL thread_pool_executor
    : public boost::asio::execution_context,
      public executor {
public:
  template <class Allocator, unsigned Bits>
  class basic_executor_type;

  /// The pool's Asio executor (blocking.possibly, untracked).
  using executor_type = basic_executor_type<std::allocator<void>, 0>;

  /// Creates the pool; no thread starts before the first task.
  /**
   * @throws std::invalid_argument "max_workers must be greater than 0".
   */
  explicit thread_pool_executor(thread_pool_options options = {});

  /// Shuts down, waiting for every queued and running task.
  ~thread_pool_executor() override;

  /// An executor for Asio handlers on this pool.
  executor_type get_executor() noexcept;

  /// Every form of `executor::submit` (plain, with a priority, after
  /// parents, both in either order). A thread pool's calls never leave the
  /// process, so they carry none of the Wire's code even where it is
  /// visible (see detail/remote_seam.hpp).
  template <class... A>
  auto submit(A&&... a) {
    return executor::submit<detail::local_only>(std::forward<A>(a)...);
  }

  using executor::map;

  /// As `executor::shutdown`. Called from one of this pool's threads with
  /// `wait`, it waits for the other workers (a thread cannot join itself).
  void shutdown(bool wait = true, bool cancel_futures = false) final;

  /// The most threads this pool will start.
  int max_workers() const noexcept;

  /// Threads started so far (Python's `len(executor._threads)`).
  std::size_t thread_count() const noexcept;

  /// True if the calling thread is one of this pool's workers.
  bool running_in_this_thread() const noexcept;

private:
  template <class Function, class Allocator>
  class handler_task;

  void enqueue(detail::task_node& task) final;
  void enqueue_all(std::span<detail::task_node* const> tasks) final;
  // Queues an Asio handler; never throws (a broken pool drops it).
  void post_task(detail::task_node& task) noexcept;
  void work_started() noexcept;
  void work_finished() noexcept;

  std::shared_ptr<detail::thread_pool_core> core_;
};

namespace detail {
/// Reports an exception that escaped an Asio handler on a pool thread.
CONCURRENT_FUTURES_DECL void report_handler_exception(std::exception_ptr e) noexcept;
} // namespace detail

template <class Function, class Allocator>
class thread_pool_executor::handler_task final : public detail::task_node {
public:
  // With the default allocator the node comes from the task memory, as a
  // submitted call's does (Asio's own executors recycle there; malloc'd, a
  // node a pool thread frees is another thread's, from another arena).
  using node_allocator =
      std::conditional_t<std::is_same_v<Allocator, std::allocator<void>>,
                         detail::task_memory_allocator<void>, Allocator>;
  using allocator_type =
      typename std::allocator_traits<node_allocator>::template rebind_alloc<handler_task>;

  static handler_task* create(Function&& f, Allocator const& a) {
    allocator_type alloc(node_allocator_of(a));
    handler_task* p = std::allocator_traits<allocator_type>::allocate(alloc, 1);
    try {
      ::new (static_cast<void*>(p)) handler_task(std::move(f), a);
    } catch (...) {
      std::allocator_traits<allocator_type>::deallocate(alloc, p, 1);
      throw;
    }
    return p;
  }

  void run(detail::task_observer& observer) noexcept override {
    // Free the node before the upcall, as Asio does, so the handler may
    // post again into recycled memory.
    Function f(std::move(function_));
    destroy();
    try {
      std::move(f)();
    } catch (...) {
      detail::report_handler_exception(std::current_exception());
    }
    observer.task_finishing();
  }

  void abandon(std::exception_ptr const&) noexcept override { destroy(); }

private:
  handler_task(Function&& f, Allocator const& a)
      : function_(std::move(f)), allocator_(a) {}

  static node_allocator node_allocator_of(Allocator const& a) noexcept {
    if constexpr (std::is_same_v<Allocator, std::allocator<void>>)
      return {};
    else
      return a;
  }

  void destroy() noexcept {
    allocator_type alloc(node_allocator_of(allocator_));
    this->~handler_task();
    std::allocator_traits<allocator_type>::deallocate(alloc, this, 1);
  }

  Function function_;
  Allocator allocator_;
};

/// The Asio executor of a `thread_pool_executor`.
/**
 * Supports the standard properties: `blocking.possibly` (run inline when
 * already on one of the pool's threads) and `blocking.never`;
 * `outstanding_work.tracked` / `untracked`; `relationship.fork` /
 * `continuation`; `allocator(a)` for the per-handler node; and the queries
 * `context`, `mapping` (thread) and `occupancy` (max_workers).
 *
 * @par Thread Safety
 * Distinct objects: safe. Shared objects: every const member function may
 * be called concurrently, as for any Asio executor.
 */
template <class Allocator, unsigned Bits>
class thread_pool_executor::basic_executor_type {
  static constexpr unsigned blocking_never = 1;
  static constexpr unsigned relationship_continuation = 2;
  static constexpr unsigned outstanding_work_tracked = 4;

  template <class, unsigned>
  friend class basic_executor_type;
  friend class thread_pool_executor;

  basic_executor_type(thread_pool_executor& pool, Allocator const& a) noexcept
      : pool_(&pool), allocator_(a) {
    if constexpr ((Bits & outstanding_work_tracked) != 0)
      pool_->work_started();
  }

  template <unsigned NewBits, class NewAllocator = Allocator>
  basic_executor_type<NewAllocator, NewBits> with(NewAllocator const& a) const {
    return basic_executor_type<NewAllocator, NewBits>(*pool_, a);
  }

public:
  ///@{
  /// Copies refer to the same pool; a tracked copy counts as outstanding
  /// work until destroyed, a moved-from one no longer does.
  basic_executor_type(basic_executor_type const& other) noexcept
      : pool_(other.pool_), allocator_(other.allocator_) {
    if constexpr ((Bits & outstanding_work_tracked) != 0)
      if (pool_)
        pool_->work_started();
  }

  basic_executor_type(basic_executor_type&& other) noexcept
      : pool_(std::exchange(other.pool_, nullptr)),
        allocator_(std::move(other.allocator_)) {
    if constexpr ((Bits & outstanding_work_tracked) == 0)
      other.pool_ = pool_;
  }

  ~basic_executor_type() {
    if constexpr ((Bits & outstanding_work_tracked) != 0)
      if (pool_)
        pool_->work_finished();
  }

  basic_executor_type& operator=(basic_executor_type const& other) noexcept {
    if (this != &other) {
      basic_executor_type tmp(other);
      std::swap(pool_, tmp.pool_);
      allocator_ = other.allocator_;
    }
    return *this;
  }

  basic_executor_type& operator=(basic_executor_type&& other) noexcept {
    if (this != &other) {
      basic_executor_type tmp(std::move(other));
      std::swap(pool_, tmp.pool_);
      allocator_ = std::move(tmp.allocator_);
    }
    return *this;
  }
  ///@}

  // --- require ---
  ///@{
  /// Asio's `require`: a copy of this executor with the property set (see
  /// the class for what each means here).
  constexpr auto require(boost::asio::execution::blocking_t::possibly_t) const {
    return with<Bits & ~blocking_never>(allocator_);
  }
  constexpr auto require(boost::asio::execution::blocking_t::never_t) const {
    return with<Bits | blocking_never>(allocator_);
  }
  constexpr auto require(boost::asio::execution::relationship_t::fork_t) const {
    return with<Bits & ~relationship_continuation>(allocator_);
  }
  constexpr auto require(boost::asio::execution::relationship_t::continuation_t) const {
    return with<Bits | relationship_continuation>(allocator_);
  }
  constexpr auto require(boost::asio::execution::outstanding_work_t::tracked_t) const {
    return with<Bits | outstanding_work_tracked>(allocator_);
  }
  constexpr auto require(boost::asio::execution::outstanding_work_t::untracked_t) const {
    return with<Bits & ~outstanding_work_tracked>(allocator_);
  }
  template <class OtherAllocator>
  constexpr auto require(boost::asio::execution::allocator_t<OtherAllocator> a) const {
    return with<Bits, OtherAllocator>(a.value());
  }
  constexpr auto require(boost::asio::execution::allocator_t<void>) const {
    return with<Bits, std::allocator<void>>(std::allocator<void>());
  }
  ///@}

  // --- query ---
  ///@{
  /// Asio's `query`: the property's current value; `context` is the pool,
  /// `occupancy` its `max_workers()`.
  static constexpr boost::asio::execution::mapping_t
  query(boost::asio::execution::mapping_t) noexcept {
    return boost::asio::execution::mapping.thread;
  }
  thread_pool_executor& query(boost::asio::execution::context_t) const noexcept {
    return *pool_;
  }
  static constexpr boost::asio::execution::blocking_t
  query(boost::asio::execution::blocking_t) noexcept {
    if constexpr ((Bits & blocking_never) != 0)
      return boost::asio::execution::blocking.never;
    else
      return boost::asio::execution::blocking.possibly;
  }
  static constexpr boost::asio::execution::relationship_t
  query(boost::asio::execution::relationship_t) noexcept {
    if constexpr ((Bits & relationship_continuation) != 0)
      return boost::asio::execution::relationship.continuation;
    else
      return boost::asio::execution::relationship.fork;
  }
  static constexpr boost::asio::execution::outstanding_work_t
  query(boost::asio::execution::outstanding_work_t) noexcept {
    if constexpr ((Bits & outstanding_work_tracked) != 0)
      return boost::asio::execution::outstanding_work.tracked;
    else
      return boost::asio::execution::outstanding_work.untracked;
  }
  template <class OtherAllocator>
  constexpr Allocator
  query(boost::asio::execution::allocator_t<OtherAllocator>) const noexcept {
    return allocator_;
  }
  constexpr Allocator query(boost::asio::execution::allocator_t<void>) const noexcept {
    return allocator_;
  }
  std::size_t query(boost::asio::execution::occupancy_t) const noexcept {
    return static_cast<std::size_t>(pool_->max_workers());
  }
  ///@}

  /// True if the calling thread is one of the pool's workers.
  bool running_in_this_thread() const noexcept { return pool_->running_in_this_thread(); }

  friend bool operator==(basic_executor_type const& a,
                         basic_executor_type const& b) noexcept {
    return a.pool_ == b.pool_ && a.allocator_ == b.allocator_;
  }
  friend bool operator!=(basic_executor_type const& a,
                         basic_executor_type const& b) noexcept {
    return !(a == b);
  }

  /// Runs `f` on the pool: inline if blocking.possibly and already on one of
  /// its threads, else queued behind the submitted work.
  template <class Function>
  void execute(Function&& f) const {
    using function_type = std::decay_t<Function>;
    if constexpr ((Bits & blocking_never) == 0) {
      if (pool_->running_in_this_thread()) {
        function_type tmp(std::forward<Function>(f));
        try {
          std::move(tmp)();
        } catch (...) {
          detail::report_handler_exception(std::current_exception());
        }
        return;
      }
    }
    auto* task = handler_task<function_type, Allocator>::create(
        function_type(std::forward<Function>(f)), allocator_);
    pool_->post_task(*task);
  }

  // --- Networking TS executor requirements, for older Asio code paths ---
  ///@{
  /// The Networking TS executor interface, which older Asio code paths
  /// use: `dispatch` may run `f` inline on a pool thread, `post` and `defer`
  /// queue it.
  thread_pool_executor& context() const noexcept { return *pool_; }
  void on_work_started() const noexcept { pool_->work_started(); }
  void on_work_finished() const noexcept { pool_->work_finished(); }
  template <class Function, class OtherAllocator>
  void dispatch(Function&& f, OtherAllocator const& a) const {
    with<Bits & ~blocking_never, OtherAllocator>(a).execute(std::forward<Function>(f));
  }
  template <class Function, class OtherAllocator>
  void post(Function&& f, OtherAllocator const& a) const {
    with<Bits | blocking_never, OtherAllocator>(a).execute(std::forward<Function>(f));
  }
  template <class Function, class OtherAllocator>
  void defer(Function&& f, OtherAllocator const& a) const {
    post(std::forward<Function>(f), a);
  }
  ///@}

private:
  thread_pool_executor* pool_;
  Allocator allocator_;
};

inline thread_pool_executor::executor_type thread_pool_executor::get_executor() noexcept {
  return executor_type(*this, std::allocator<void>());
}

} // namespace concurrent::futures

#endif
