//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_TASK_HPP
#define CONCURRENT_FUTURES_DETAIL_TASK_HPP

#include <concurrent/futures/detail/shared_state.hpp>
#include <concurrent/futures/detail/task_memory.hpp>
#include <concurrent/futures/future.hpp>

#include <concepts>
#include <exception>
#include <functional>
#include <new>
#include <tuple>
#include <type_traits>
#include <utility>

namespace concurrent::futures::detail {

struct remote_ops;

/// Told by a task when its work is over, just before its result becomes
/// visible: a pool counts the worker as free from then on, so a caller that
/// sees the result and submits again finds it free (Python's idle reuse).
class task_observer {
public:
  virtual void task_finishing() noexcept = 0;

protected:
  ~task_observer() = default;
};

/// Work queued in an executor: a submitted call with its future, or an Asio
/// handler. Intrusive, so queueing allocates nothing.
class task_node {
public:
  task_node(task_node const&) = delete;
  task_node& operator=(task_node const&) = delete;

  /// Runs the work and frees the node.
  virtual void run(task_observer& observer) noexcept = 0;

  /// Frees the node without running it. A submitted call's future fails with
  /// `reason`, or, when `reason` is null, is cancelled and notified.
  virtual void abandon(std::exception_ptr const& reason) noexcept = 0;

  /// True for a submitted call, which `shutdown(cancel_futures)` cancels.
  virtual bool cancellable() const noexcept { return false; }

  /// How this call crosses to another process, or null: set when the call
  /// is made in a translation unit that sees the Wire (see
  /// `detail/remote_seam.hpp`); a pool whose calls cross processes refuses
  /// a task without it.
  remote_ops const* remote = nullptr;

  // The queue's link.
  task_node* next_task = nullptr;
  // Higher runs first among tasks not started; reserved for priorities.
  int priority = 0;

protected:
  task_node() = default;
  ~task_node() = default;
};

template <class F, class... Args>
using call_result_t =
    std::remove_cvref_t<std::invoke_result_t<std::decay_t<F>, std::decay_t<Args>...>>;

/// How `fn` takes its decay-copied arguments: as the task passes them
/// (rvalues), or only as lvalues, which is a parameter taken by non-const
/// reference. Both submit checks (thread and remote) read it.
template <class F, class... Args>
struct call_shape {
  static constexpr bool by_value = std::invocable<std::decay_t<F>, std::decay_t<Args>...>;
  static constexpr bool by_reference =
      !by_value && std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>;
};

/// Whether `submit(fn, args...)` can call `fn` with its decay-copied
/// arguments. The static_asserts say why not; callers then instantiate
/// nothing else, so the message is the only error a user reads.
template <class F, class... Args>
consteval bool check_submit_call() {
  constexpr bool by_value = call_shape<F, Args...>::by_value;
  constexpr bool by_reference = call_shape<F, Args...>::by_reference;
  static_assert(!by_reference,
                "submit(fn, args...): fn takes an argument by non-const reference, "
                "but submit copies the arguments into the task: pass std::ref(x) to "
                "share x (it must outlive the call), or take the parameter by value");
  static_assert(by_value || by_reference,
                "submit(fn, args...): fn cannot be called with these arguments; "
                "they are decay-copied and passed as rvalues (std::ref passes a "
                "reference)");
  return by_value;
}

/// `fn(args...)`, decay-copied, waiting to be called once: what a
/// `basic_call_task` runs for a plain submit.
template <class F, class... Args>
class bound_call {
public:
  using result_type = call_result_t<F, Args...>;
  /// What crosses when the call runs in another process: the callable,
  /// then the arguments (see `visit`).
  using parts = std::tuple<std::decay_t<F>, std::decay_t<Args>...>;

  template <class G, class... A>
  explicit bound_call(G&& fn, A&&... args)
      : call_(std::forward<G>(fn), std::forward<A>(args)...) {}

  decltype(auto) invoke() { return std::apply(invoker{}, std::move(call_)); }

  /// `v(fn, args...)`, each part by const reference.
  template <class V>
  void visit(V&& v) const {
    std::apply(std::forward<V>(v), call_);
  }

private:
  struct invoker {
    template <class G, class... A>
    decltype(auto) operator()(G&& g, A&&... a) const {
      return std::invoke(std::forward<G>(g), std::forward<A>(a)...);
    }
  };

  parts call_;
};

/// A call with its future's state: one allocation per submit.
/**
 * `Call` holds what to call (`bound_call`, or a dependent task's call that
 * also reads its parents' values) and offers `result_type`, `invoke()`,
 * and, for the Wire, `parts` and `visit(v)`. It is destroyed right after
 * the call, not with the last future.
 */
template <class R, class Call>
class basic_call_task : public shared_state<R>, public task_node {
public:
  template <class... A>
  explicit basic_call_task(A&&... call) : call_(std::forward<A>(call)...) {
    this->add_ref(); // one for the queue, one for the future
  }

  void run(task_observer& observer) noexcept override {
    if (this->start_task()) {
      try {
        if constexpr (std::is_void_v<R>) {
          call_.invoke();
          drop_call();
          observer.task_finishing();
          this->construct_and_publish();
        } else {
          // The result is constructed in place, then the call's captures go
          // before anybody can see the result.
          this->emplace_from([&]() -> decltype(auto) { return call_.invoke(); });
          drop_call();
          observer.task_finishing();
          this->publish();
        }
      } catch (...) {
        drop_call();
        observer.task_finishing();
        this->publish_exception(std::current_exception());
      }
    } else {
      drop_call();
      observer.task_finishing();
    }
    this->release();
  }

  void abandon(std::exception_ptr const& reason) noexcept override {
    drop_call();
    if (reason && this->try_claim()) {
      this->publish_exception(reason);
    } else {
      this->cancel();
      this->start_task(); // notifies wait() and as_completed()
    }
    this->release();
  }

  bool cancellable() const noexcept override { return true; }

  // The block comes from the submitting thread's slabs (see task_memory.hpp);
  // `delete this` in shared_state_base::destroy() frees it with this size.
  static void* operator new(std::size_t size) { return allocate_task_memory(size); }
  static void operator delete(void* p, std::size_t size) noexcept {
    free_task_memory(p, size);
  }
  // An over-aligned call keeps the global allocator.
  static void* operator new(std::size_t size, std::align_val_t align) {
    return ::operator new(size, align);
  }
  // The global delete it calls is unsized: clang 14 declares no sized one
  // without -fsized-deallocation.
  static void operator delete(void* p, std::size_t, std::align_val_t align) noexcept {
    ::operator delete(p, align);
  }

  using call_type = Call;

  /// The call, until `drop_call()`.
  Call& call_ref() noexcept { return call_; }

  /// Destroys the call (callable, arguments, parents) once.
  void drop_call() noexcept {
    if (alive_) {
      alive_ = false;
      call_.~Call();
    }
  }

protected:
  ~basic_call_task() override {
    if (alive_)
      call_.~Call();
  }

private:
  union {
    Call call_;
  };
  bool alive_ = true;
};

/// `fn(args...)` with its future's state, as `submit` makes it.
template <class R, class F, class... Args>
using call_task = basic_call_task<R, bound_call<F, Args...>>;

} // namespace concurrent::futures::detail

#endif
