//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_DEPENDENT_TASK_HPP
#define CONCURRENT_FUTURES_DETAIL_DEPENDENT_TASK_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/shared_state.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/future.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace concurrent::futures::detail {

class dependent_gate;

/// What a dependent task does while it waits for its parents, apart from
/// its types: one waiter per parent, one on its own state (to see a
/// `cancel()`), and its entry in its executor's gate.
/**
 * Exactly one of four things settles a waiting task, whichever comes
 * first: every parent succeeded (it goes to its executor's queue), a parent
 * failed (it fails with that exception), a parent was cancelled (it is
 * cancelled), or it was cancelled itself. The last two run the task's own
 * done callbacks at once, which is how a cancellation cascades down.
 */
class CONCURRENT_FUTURES_DECL dependent_core {
public:
  dependent_core(dependent_core const&) = delete;
  dependent_core& operator=(dependent_core const&) = delete;

protected:
  dependent_core(std::shared_ptr<dependent_gate> gate, std::size_t parents);
  ~dependent_core();

  /// Registers in the gate; throws std::runtime_error if the executor was
  /// shut down. Nothing else has happened yet, so the caller just frees the
  /// task.
  void enter();

  /// Starts waiting for `parents` (their states), as many as the
  /// constructor was given: one link each. A parent already done is
  /// handled here, so the task may be settled, even queued, on return.
  void arm(std::vector<shared_state_base*> const& parents) noexcept;

  virtual shared_state_base& state() noexcept = 0;
  virtual task_node& node() noexcept = 0;
  /// Drops the callable, the arguments and the parents.
  virtual void drop() noexcept = 0;

private:
  friend class dependent_gate;

  class parent_link final : public waiter {
  public:
    parent_link() noexcept : waiter(wake_on::done, /*deferred=*/true) {}
    dependent_core* owner = nullptr;

  private:
    void complete(shared_state_base& parent, future_status now) noexcept override;
    void discard() noexcept override;
  };

  class self_link final : public waiter {
  public:
    explicit self_link(dependent_core& owner) noexcept
        : waiter(wake_on::done, /*deferred=*/true), owner_(owner) {}

  private:
    void complete(shared_state_base&, future_status now) noexcept override;
    dependent_core& owner_;
  };

  void parent_done(shared_state_base& parent, future_status now) noexcept;
  bool settle() noexcept { return !settled_.exchange(true, std::memory_order_acq_rel); }
  // The settles that do not run the task; each drops the pending reference.
  void fail(std::exception_ptr const& e) noexcept;
  void cancel_unrun() noexcept;
  void notify_cancelled() noexcept;
  // Publishes `e` as the task's outcome (or notifies a cancel that came
  // first) without running it; the gate is the caller's business.
  void publish_unrun(std::exception_ptr const& e) noexcept;
  void all_parents_done() noexcept;

  std::shared_ptr<dependent_gate> gate_;
  std::unique_ptr<parent_link[]> links_;
  std::atomic<std::size_t> remaining_;
  std::atomic<bool> settled_{false};
  self_link self_;
  // The gate's list, under its lock.
  dependent_core* gate_prev_ = nullptr;
  dependent_core* gate_next_ = nullptr;
};

/// What one parent contributes to the call: its value (by reference) or,
/// for `future<void>` and `any_future`, nothing; and what a list of such
/// parents contributes: one vector of the values, or nothing.
template <class Future>
struct parent_value {
  using T = typename Future::value_type;
  using type = std::tuple<T const&>;
  using list = std::tuple<std::vector<T>>;
  static type get(Future const& f) { return type(f.result()); }
  static list get_all(std::vector<Future> const& fs) {
    std::vector<T> v;
    v.reserve(fs.size());
    for (auto const& f : fs)
      v.push_back(f.result());
    return list(std::move(v));
  }
};
template <class Future>
struct no_parent_value {
  using type = std::tuple<>;
  using list = std::tuple<>;
  static type get(Future const&) { return {}; }
  static list get_all(std::vector<Future> const&) { return {}; }
};
template <>
struct parent_value<future<void>> : no_parent_value<future<void>> {};
template <>
struct parent_value<any_future> : no_parent_value<any_future> {};

/// The values a list of parents passes (`values`, a tuple of what the call
/// receives before its own arguments), and the parents' states.
template <class Parents>
struct parents_traits;

template <class... Fs>
struct parents_traits<std::tuple<Fs...>> {
  using values =
      decltype(std::tuple_cat(std::declval<typename parent_value<Fs>::type>()...));
  static values get(std::tuple<Fs...> const& ps) {
    return std::apply(
        [](auto const&... p) { return std::tuple_cat(parent_value<Fs>::get(p)...); }, ps);
  }
  static void states(std::tuple<Fs...> const& ps, std::vector<shared_state_base*>& out) {
    std::apply(
        [&out](auto const&... p) { (out.push_back(future_access::state(p)), ...); }, ps);
  }
  static std::size_t size(std::tuple<Fs...> const&) noexcept { return sizeof...(Fs); }
};

template <class Future>
struct parents_traits<std::vector<Future>> {
  using values = typename parent_value<Future>::list;
  static values get(std::vector<Future> const& ps) {
    return parent_value<Future>::get_all(ps);
  }
  static void states(std::vector<Future> const& ps,
                     std::vector<shared_state_base*>& out) {
    for (auto const& p : ps)
      out.push_back(future_access::state(p));
  }
  static std::size_t size(std::vector<Future> const& ps) noexcept { return ps.size(); }
};

/// Whether a dependent call can be made, checked where it is submitted (as
/// `check_submit_call`): the message is then the only error.
template <class F, class Values, class... Args>
struct dependent_check;
template <class F, class... Vs, class... Args>
struct dependent_check<F, std::tuple<Vs...>, Args...> {
  static constexpr bool value =
      std::invocable<std::decay_t<F>, Vs&..., std::decay_t<Args>...>;
  static_assert(
      value, "submit(cf::after(parents...), fn, args...): fn cannot be called with the "
             "parents' values (each as `T const&`, none for a future<void>; a "
             "std::vector<T> for a list of futures) followed by args");
};
template <class F, class Values, class... Args>
consteval bool check_dependent_call() {
  return dependent_check<F, Values, Args...>::value;
}

template <class F, class Values, class... Args>
struct dependent_result;
template <class F, class... Vs, class... Args>
struct dependent_result<F, std::tuple<Vs...>, Args...> {
  using type = std::remove_cvref_t<
      std::invoke_result_t<std::decay_t<F>, Vs&..., std::decay_t<Args>...>>;
};

/// What crosses when a dependent call runs in another process: the
/// callable, the parents' values, the arguments.
template <class Values, class F, class... Args>
struct dependent_parts;
template <class... Vs, class F, class... Args>
struct dependent_parts<std::tuple<Vs...>, F, Args...> {
  using type =
      std::tuple<std::decay_t<F>, std::remove_cvref_t<Vs>..., std::decay_t<Args>...>;
};

/// `fn(parent values..., args...)`: the call of a dependent task.
template <class Parents, class F, class... Args>
class dependent_call {
  using traits = parents_traits<Parents>;

public:
  using result_type =
      typename dependent_result<F, typename traits::values, Args...>::type;
  using parts = typename dependent_parts<typename traits::values, F, Args...>::type;

  template <class G, class... A>
  dependent_call(Parents parents, G&& fn, A&&... args)
      : parents_(std::move(parents)),
        call_(std::forward<G>(fn), std::forward<A>(args)...) {}

  Parents const& parents() const noexcept { return parents_; }

  decltype(auto) invoke() {
    auto values = traits::get(parents_);
    return std::apply(
        [this](auto&&... v) -> decltype(auto) {
          return std::apply(
              [&v...](auto& fn, auto&... a) -> decltype(auto) {
                return std::invoke(std::move(fn), v..., std::move(a)...);
              },
              call_);
        },
        values);
  }

  /// `v(fn, values..., args...)`, each part by const reference.
  template <class V>
  void visit(V&& v) const {
    auto values = traits::get(parents_);
    std::apply(
        [&](auto const& fn, auto const&... a) {
          std::apply([&](auto const&... vs) { v(fn, vs..., a...); }, values);
        },
        call_);
  }

private:
  Parents parents_;
  std::tuple<std::decay_t<F>, std::decay_t<Args>...> call_;
};

/// A task that waits for its parents, then runs on its executor as any
/// submitted call does.
template <class Parents, class F, class... Args>
class dependent_task final
    : public basic_call_task<typename dependent_call<Parents, F, Args...>::result_type,
                             dependent_call<Parents, F, Args...>>,
      public dependent_core {
public:
  using call = dependent_call<Parents, F, Args...>;

private:
  using base = basic_call_task<typename call::result_type, call>;

public:
  template <class G, class... A>
  dependent_task(std::shared_ptr<dependent_gate> gate, Parents parents, G&& fn,
                 A&&... args)
      : base(std::move(parents), std::forward<G>(fn), std::forward<A>(args)...),
        dependent_core(std::move(gate),
                       parents_traits<Parents>::size(this->call_ref().parents())) {}

  /// Enters the gate and starts waiting; the caller holds the future. Until
  /// the task is queued, the reference basic_call_task keeps for the queue
  /// is the waiting task's own.
  void start() {
    std::vector<shared_state_base*> states;
    try {
      parents_traits<Parents>::states(this->call_ref().parents(), states);
      enter();
    } catch (...) {
      this->drop_call();
      this->release();
      throw;
    }
    arm(states);
  }

private:
  shared_state_base& state() noexcept override { return *this; }
  task_node& node() noexcept override { return *this; }
  void drop() noexcept override { this->drop_call(); }
};

} // namespace concurrent::futures::detail

#endif
