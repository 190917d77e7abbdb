//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_FUTURE_HPP
#define CONCURRENT_FUTURES_FUTURE_HPP

#include <concurrent/futures/config.hpp>
#include <concurrent/futures/detail/shared_state.hpp>
#include <concurrent/futures/exceptions.hpp>

#include <boost/asio/async_result.hpp>
#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/version.hpp>

#include <concepts>
#include <cstddef>
#include <exception>
#include <functional>
#include <future>
#include <iosfwd>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

namespace concurrent::futures {

template <class T>
class future;
class any_future;

namespace detail {

// The tokens Asio 1.81 (Boost 1.81) calls an operation with to ask whether
// it is one; its awaitable specialisation (detail/asio/awaitable_boost_181.hpp)
// then gives co_await's own message. Other versions: none, and async_wait's
// message stands (the probes are Asio's detail names, not relied on there).
#if BOOST_VERSION / 100 == 1081 && !defined(CONCURRENT_FUTURES_NO_BOOST_181_AWAITABLE)
template <class Token>
inline constexpr bool is_asio_probe_v =
    std::is_same_v<Token, boost::asio::detail::async_operation_probe> ||
    std::is_same_v<Token, boost::asio::detail::completion_signature_probe>;
#else
template <class Token>
inline constexpr bool is_asio_probe_v = false;
#endif

// Builds futures from states and reaches the state behind a future; for
// executors and the waiting functions, not for users.
struct future_access {
  template <class T>
  static future<T> adopt(shared_state<T>* s) noexcept { // takes a reference
    return future<T>(boost::intrusive_ptr<shared_state<T>>(s, false));
  }
  template <class T>
  static future<T> share(shared_state<T>* s) noexcept { // adds a reference
    return future<T>(boost::intrusive_ptr<shared_state<T>>(s));
  }
  static any_future share_any(shared_state_base& s) noexcept;
  template <class F>
  static auto* state(F const& f) noexcept {
    return f.state_.get();
  }
};

[[noreturn]] CONCURRENT_FUTURES_DECL void throw_no_state();

/// The completion signature of an asynchronous wait on a `future<T>`.
template <class T>
struct future_signature {
  using type = void(std::exception_ptr, T);
};
template <>
struct future_signature<void> {
  using type = void(std::exception_ptr);
};

template <class T>
struct initiate_future_wait;
template <class T>
class future_awaiter;

/// What add_done_callback takes: callable with the future.
template <class F, class Future>
concept done_callback = std::invocable < std::decay_t<F>
&, Future const& > ;

/// Hands a callback's exception to the installed handler; never throws.
CONCURRENT_FUTURES_DECL void report_callback_error(std::exception_ptr e,
                                                   shared_state_base& s) noexcept;

template <class Future, class F>
class callback_waiter final : public waiter {
public:
  explicit callback_waiter(F&& fn)
      : waiter(wake_on::done, /*deferred=*/true), fn_(std::move(fn)) {}
  explicit callback_waiter(F const& fn)
      : waiter(wake_on::done, /*deferred=*/true), fn_(fn) {}

  // Runs the callback now: the future was already done when it was added.
  void run_inline(shared_state_base& s) noexcept { invoke(s); }

private:
  static Future make_self(shared_state_base& s) noexcept;

  void invoke(shared_state_base& s) noexcept {
    try {
      Future const self = make_self(s);
      std::invoke(fn_, self);
    } catch (...) {
      report_callback_error(std::current_exception(), s);
    }
  }

  void complete(shared_state_base& s, future_status) noexcept override {
    invoke(s);
    delete this;
  }
  void discard() noexcept override { delete this; }

  F fn_;
};

} // namespace detail

/// The outcome of work that may not have finished yet (Python's `Future`).
/**
 * A `future` is a shared handle: copies refer to the same state, compare equal
 * and hash alike. Every executor of this library returns this one type, and
 * `cf::promise<T>` completes one that no executor backs.
 *
 * The state goes, as in Python, pending -> running -> finished, or pending ->
 * cancelled -> cancelled and notified (the executor saw the cancellation).
 * `cancel()` wakes `result()` and runs the callbacks at once; `wait()` and
 * `as_completed()` count a cancelled future only once it is notified.
 *
 * `T` may be move-only and need not be default-constructible; `T` must not be
 * a reference.
 *
 * @par Thread Safety
 * Distinct objects: safe. Shared objects: every member function is safe to
 * call concurrently, except assignment to the same handle.
 *
 * @code
 * cf::thread_pool_executor pool;
 * cf::future<int> f = pool.submit([](int a, int b) { return a + b; }, 1, 2);
 * f.add_done_callback([](cf::future<int> const& g) { std::cout << g.result(); });
 * int const& r = f.result(2s);       // cf::timeout_error after 2 s
 * @endcode
 */
template <class T>
class future {
  static_assert(!std::is_reference_v<T>,
                "cf::future<T&> is not supported: return a value, or a "
                "std::reference_wrapper / pointer if you need a reference");
  static_assert(std::is_same_v<T, std::remove_cv_t<T>>,
                "cf::future<T> needs an unqualified T");

public:
  /// The result's type, `T`.
  using value_type = T;

  /// A future with no state; `valid()` is false and every other member
  /// throws `std::future_error(no_state)`.
  future() noexcept = default;

  /// True unless default-constructed or moved from.
  bool valid() const noexcept { return state_ != nullptr; }

  /// Attempts to cancel: true if the future is now cancelled.
  /**
   * False if it is running or finished. Cancelling a cancelled future returns
   * true and does nothing more. On success, `result()` waiters wake with
   * `cancelled_error` and the done callbacks run in this thread before
   * `cancel()` returns.
   */
  bool cancel() const { return get().cancel(); }

  /// True if cancelled (whether or not the executor has noticed yet).
  bool cancelled() const { return get().cancelled(); }

  /// True while the task runs.
  bool running() const { return get().running(); }

  /// True if cancelled or finished.
  bool done() const { return get().done(); }

  /// Waits for the result and returns it, or throws.
  /**
   * @param timeout Seconds to wait; empty waits forever, zero polls.
   * @returns The value, which lives as long as the state.
   * @throws cancelled_error if the future was cancelled; timeout_error if the
   * timeout passed first; otherwise the task's own exception, rethrown.
   */
  decltype(auto) result(timeout_type timeout = {}) const& {
    auto& s = get();
    s.await_outcome(timeout);
    if constexpr (!std::is_void_v<T>)
      return static_cast<T const&>(s.value());
  }

  /// Waits for the result and moves it out: `std::move(f).result()`, as
  /// `co_await std::move(f)` does, so a move-only result can be taken.
  /**
   * Also what `pool.submit(fn).result()` calls, so the value outlives the
   * temporary future. The value is moved only from the last handle: while
   * another can still read it (a copy of this future, a dependent task's
   * parent), a copyable value is copied instead, so no reader sees a
   * moved-from value; a move-only one is moved regardless. A result that
   * cannot be moved is returned by reference, as from an lvalue.
   *
   * @throws As `result() const&`.
   */
  decltype(auto) result(timeout_type timeout = {}) && {
    auto& s = get();
    s.await_outcome(timeout);
    if constexpr (std::is_void_v<T>) {
      return;
    } else if constexpr (std::is_move_constructible_v<T>) {
      if constexpr (std::is_copy_constructible_v<T>) {
        if (s.has_other_holders())
          return T(s.value());
      }
      return T(std::move(s.value()));
    } else {
      return static_cast<T const&>(s.value());
    }
  }

  /// Waits, then returns the task's exception, or null if it succeeded.
  /**
   * @throws cancelled_error if cancelled; timeout_error on timeout.
   */
  std::exception_ptr exception(timeout_type timeout = {}) const {
    return get().await_exception(timeout);
  }

  /// Calls `fn(*this)` when the future is cancelled or finishes.
  /**
   * If the future is already done, `fn` runs at once in this thread.
   * Otherwise it runs, after the callbacks added before it, in the thread
   * that completes or cancels the future. An exception from `fn` goes to the
   * handler set with `set_callback_error_handler` (default: a line on
   * stderr) and the other callbacks still run.
   *
   * As in Python, threads blocked in `result()`, `wait()` or
   * `as_completed()` are woken first and the callbacks run after, so a
   * waiter may return while a callback still runs: a callback must not
   * capture what the waiter destroys when it returns.
   *
   * @throws std::bad_alloc; nothing else (`fn` is called, never thrown
   * through).
   */
  template <detail::done_callback<future> F>
  void add_done_callback(F&& fn) const {
    using node = detail::callback_waiter<future, std::decay_t<F>>;
    auto& s = get();
    auto n = std::make_unique<node>(std::forward<F>(fn));
    if (s.add_waiter(*n))
      n.release(); // the list owns it now
    else
      n->run_inline(s);
  }

  /// Runs `fn(value, args...)` on `ex` once this future has succeeded:
  /// `ex.submit(cf::after(*this), fn, args...)`, the one-parent case.
  /**
   * If this future fails, the continuation fails with the same exception
   * without running; if it is cancelled, or the continuation is, the
   * cancellation cascades to whatever depends on the continuation. See
   * `executor::submit(after, fn, args...)`.
   *
   * @code
   * auto size = pool.submit(download, url).then(pool, [](std::string const& b) {
   *   return b.size();
   * });
   * @endcode
   */
  template <class Executor, class F, class... Args>
  auto then(Executor& ex, F&& fn, Args&&... args) const {
    return ex.submit(after(*this), std::forward<F>(fn), std::forward<Args>(args)...);
  }

  /// The completion signature of `async_wait`: `void(std::exception_ptr, T)`,
  /// or `void(std::exception_ptr)` for `future<void>`.
  using signature = typename detail::future_signature<T>::type;

  ///@{
  /// Waits asynchronously: an Asio operation that completes when the future
  /// finishes or is cancelled.
  /**
   * Works with every completion token: `asio::use_awaitable`,
   * `asio::use_future`, `asio::deferred`, `asio::experimental::use_promise`,
   * a plain callback. No thread blocks while it waits.
   *
   * On an lvalue the value is copied; `std::move(f).async_wait(token)` moves
   * it out of the shared state instead (needed for a move-only `T`; other
   * holders of the future then see a moved-from value).
   *
   * @par Completion Signature
   * `void(std::exception_ptr e, T value)`: `e` is null and `value` the
   * result, or `e` holds the task's exception, or `cf::cancelled_error` if
   * the future or the wait was cancelled (`value` is then `T{}`, as
   * `co_spawn` does, so `T` must be default-constructible).
   *
   * The handler runs on its associated executor (Asio's system executor if
   * it has none), never inside this call, and never on the thread that
   * completed the future unless that is the associated executor's. The op
   * is allocated with the handler's associated allocator. Outstanding work
   * is counted on the associated executor until the handler runs. If that
   * executor's context is destroyed first, the wait is unlinked from the
   * future and the handler destroyed without being called.
   *
   * @par Per-Operation Cancellation
   * All types cancel the future's task if it has not started; the wait then
   * completes with `cancelled_error` (asyncio's `wrap_future`), whose message
   * says the future was cancelled before it ran. If the task already runs,
   * `terminal` and `partial` complete the wait at once with `cancelled_error`
   * and leave the task running; the message then says that the wait, not the
   * future, was cancelled and that the result is dropped. `total` is then
   * ignored.
   *
   * @par Thread Safety
   * Safe to call from any thread, also on a future others wait on; each
   * call is its own operation. Cancellation must be emitted on the handler's
   * executor, as Asio requires of every operation.
   *
   * @code
   * int n = co_await pool.submit(count_primes, 1'000'000);   // same thing
   * auto [e, n] = co_await f.async_wait(asio::as_tuple(asio::use_awaitable));
   * @endcode
   */
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(signature) Token>
  auto async_wait(Token&& token) const& {
    // Asio asks whether `f` is an operation by calling it with a probe
    // token; `co_await f` then says its own, more precise, message first.
    static_assert(std::is_void_v<T> || std::is_copy_constructible_v<T> ||
                      detail::is_asio_probe_v<std::decay_t<Token>>,
                  "async_wait on an lvalue cf::future<T> copies the value, and T is "
                  "move-only: call std::move(f).async_wait(token), which moves the "
                  "value out (that consumer must be the future's only one)");
    return boost::asio::async_initiate<Token, signature>(
        detail::initiate_future_wait<T>{}, token, *this, false);
  }

  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(signature) Token>
  auto async_wait(Token&& token) && {
    return boost::asio::async_initiate<Token, signature>(
        detail::initiate_future_wait<T>{}, token, std::move(*this), true);
  }
  ///@}

  ///@{
  /// The future as an Asio asynchronous operation: `f(token)` is
  /// `f.async_wait(token)`, so `co_await f` works in an `asio::awaitable`
  /// (resuming on the coroutine's executor) and so does
  /// `asio::experimental::make_parallel_group(f, ...)`.
  /**
   * On an rvalue the value is moved out, as `std::move(f).async_wait`.
   * Completion signature, cancellation and thread safety: `async_wait`'s.
   */
  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(signature) Token>
  auto operator()(Token&& token) const& {
    return async_wait(std::forward<Token>(token));
  }

  template <BOOST_ASIO_COMPLETION_TOKEN_FOR(signature) Token>
  auto operator()(Token&& token) && {
    return std::move(*this).async_wait(std::forward<Token>(token));
  }
  ///@}

  ///@{
  /// Awaits the future from any C++20 coroutine type that is not Asio's.
  /**
   * The coroutine resumes in the thread that completes the future (a pool
   * worker), or at once if it is done; in an `asio::awaitable` the Asio
   * path above applies instead. `co_await std::move(f)` moves the value
   * out; on an lvalue it is copied. Throws what `result()` throws.
   */
  auto operator co_await() const& {
    static_assert(std::is_void_v<T> || std::is_copy_constructible_v<T>,
                  "co_await on an lvalue cf::future<T> copies the value, and T is "
                  "move-only: co_await std::move(f) to move the value out");
    return detail::future_awaiter<T>(*this, false);
  }
  auto operator co_await() && {
    return detail::future_awaiter<T>(std::move(*this), true);
  }
  ///@}

  /// For executors: pending -> running (true), or cancelled -> cancelled
  /// and notified (false).
  /**
   * @throws std::runtime_error "Future in unexpected state" otherwise.
   */
  bool set_running_or_notify_cancel() const {
    return get().set_running_or_notify_cancel();
  }

  friend bool operator==(future const& a, future const& b) noexcept {
    return a.state_ == b.state_;
  }

  /// Python's repr: `<future at 0x... state=running>`.
  std::string repr() const {
    return state_ ? state_->repr() : std::string("<future without state>");
  }

private:
  friend struct detail::future_access;
  friend class any_future;
  friend struct std::hash<future>;

  explicit future(boost::intrusive_ptr<detail::shared_state<T>> s) noexcept
      : state_(std::move(s)) {}

  detail::shared_state<T>& get() const {
    if (!state_)
      detail::throw_no_state();
    return *state_;
  }

  boost::intrusive_ptr<detail::shared_state<T>> state_;
};

/// A future of any value type, for waiting on futures of different types
/// together: `std::vector<cf::any_future> all{f, g}; cf::wait(all);`.
/**
 * It shares the state of the future it was made from: it compares equal and
 * hashes alike with every `any_future` made from a copy of that future.
 * `result()` waits and rethrows but returns nothing; recover the typed
 * future with `as<T>()`.
 *
 * @par Thread Safety
 * As `future<T>`.
 */
class any_future {
public:
  /// A future with no state, as `future<T>()`.
  any_future() noexcept = default;

  /// Shares `f`'s state; implicit, so a `future<T>` goes where an
  /// `any_future` is expected.
  template <class T>
  any_future(future<T> const& f) noexcept // NOLINT: implicit by design
      : state_(f.state_) {}

  /// True unless default-constructed or moved from.
  bool valid() const noexcept { return state_ != nullptr; }
  /// As `future<T>::cancel()`.
  bool cancel() const { return get().cancel(); }
  /// As `future<T>::cancelled()`.
  bool cancelled() const { return get().cancelled(); }
  /// As `future<T>::running()`.
  bool running() const { return get().running(); }
  /// As `future<T>::done()`.
  bool done() const { return get().done(); }

  /// Waits; throws as `future<T>::result()` would, returns nothing.
  void result(timeout_type timeout = {}) const { get().await_outcome(timeout); }

  /// As `future<T>::exception()`: waits, then the task's exception or null.
  std::exception_ptr exception(timeout_type timeout = {}) const {
    return get().await_exception(timeout);
  }

  /// Calls `fn(*this)` when done; see `future<T>::add_done_callback`.
  template <detail::done_callback<any_future> F>
  void add_done_callback(F&& fn) const {
    using node = detail::callback_waiter<any_future, std::decay_t<F>>;
    auto& s = get();
    auto n = std::make_unique<node>(std::forward<F>(fn));
    if (s.add_waiter(*n))
      n.release();
    else
      n->run_inline(s);
  }

  /// For executors: as `future<T>::set_running_or_notify_cancel()`.
  bool set_running_or_notify_cancel() const {
    return get().set_running_or_notify_cancel();
  }

  /// The typed future, if `T` is the value type; else an invalid future.
  template <class T>
  future<T> as() const noexcept {
    if (auto* s = dynamic_cast<detail::shared_state<T>*>(state_.get()))
      return detail::future_access::share(s);
    return {};
  }

  friend bool operator==(any_future const& a, any_future const& b) noexcept {
    return a.state_ == b.state_;
  }

  /// Python's repr, as `future<T>::repr()`.
  std::string repr() const {
    return state_ ? state_->repr() : std::string("<future without state>");
  }

private:
  friend struct detail::future_access;
  friend struct std::hash<any_future>;

  explicit any_future(boost::intrusive_ptr<detail::shared_state_base> s) noexcept
      : state_(std::move(s)) {}

  detail::shared_state_base& get() const {
    if (!state_)
      detail::throw_no_state();
    return *state_;
  }

  boost::intrusive_ptr<detail::shared_state_base> state_;
};

/// Writes the future's repr().
CONCURRENT_FUTURES_DECL std::ostream& operator<<(std::ostream& os, any_future const& f);

/// Receives an exception thrown by a done callback, and the future.
using callback_error_handler = std::function<void(std::exception_ptr, any_future const&)>;

/// Replaces the handler of exceptions thrown by done callbacks (Python logs
/// them on the "concurrent.futures" logger).
/**
 * The default writes "exception calling callback for <future ...>: what()"
 * to stderr. An empty handler restores the default. The handler runs in the
 * thread that ran the callback; an exception it throws is swallowed.
 *
 * @returns The previous handler.
 * @par Thread Safety
 * Safe to call concurrently with callbacks running.
 */
CONCURRENT_FUTURES_DECL callback_error_handler
set_callback_error_handler(callback_error_handler handler);

namespace detail {

inline any_future future_access::share_any(shared_state_base& s) noexcept {
  return any_future(boost::intrusive_ptr<shared_state_base>(&s));
}

template <class Future, class F>
Future callback_waiter<Future, F>::make_self(shared_state_base& s) noexcept {
  if constexpr (std::is_same_v<Future, any_future>) {
    return future_access::share_any(s);
  } else {
    return future_access::share(
        static_cast<shared_state<typename Future::value_type>*>(&s));
  }
}

} // namespace detail
} // namespace concurrent::futures

#include <concurrent/futures/impl/future.hpp>

template <class T>
struct std::hash<concurrent::futures::future<T>> {
  std::size_t operator()(concurrent::futures::future<T> const& f) const noexcept {
    return std::hash<void const*>{}(
        static_cast<concurrent::futures::detail::shared_state_base const*>(
            f.state_.get()));
  }
};

template <>
struct std::hash<concurrent::futures::any_future> {
  std::size_t operator()(concurrent::futures::any_future const& f) const noexcept {
    return std::hash<void const*>{}(f.state_.get());
  }
};

#endif
