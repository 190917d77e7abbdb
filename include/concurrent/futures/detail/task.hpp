//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_TASK_HPP
#define CONCURRENT_FUTURES_DETAIL_TASK_HPP

#include <concurrent/futures/detail/remote_call.hpp>
#include <concurrent/futures/detail/shared_state.hpp>
#include <concurrent/futures/future.hpp>

#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace concurrent::futures::detail {

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

  // For a process pool. A call is encoded once, when submitted, and its
  // arguments dropped; a worker process later runs the message.

  /// Appends the message that runs this call in a worker process. Throws
  /// std::invalid_argument, saying what has no codec, when it cannot cross;
  /// what a codec throws.
  virtual void encode_remote(std::vector<std::byte>&) {
    throw std::invalid_argument("an Asio handler cannot run in another process");
  }

  /// Python's `set_running_or_notify_cancel()` when the call is handed to a
  /// worker; false (and the node freed) if it was cancelled.
  virtual bool start_remote() noexcept { return false; }

  /// Completes the call from the worker's reply and frees the node.
  virtual void complete_remote(std::span<std::byte const>, int /*pid*/) noexcept {}

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

/// `fn(args...)`, decay-copied, waiting to be called once: what a
/// `basic_call_task` runs for a plain submit.
template <class F, class... Args>
class bound_call {
public:
  using result_type = call_result_t<F, Args...>;
  /// True when the call can run in another process.
  static constexpr bool remotable =
      remotable_v<result_type, std::decay_t<F>, std::decay_t<Args>...>;

  template <class G, class... A>
  explicit bound_call(G&& fn, A&&... args)
      : call_(std::forward<G>(fn), std::forward<A>(args)...) {}

  decltype(auto) invoke() { return std::apply(invoker{}, std::move(call_)); }

  void encode(std::vector<std::byte>& out) const {
    std::apply([&out](auto const&... call) { encode_call(out, call...); }, call_);
  }

  static std::string obstacle() {
    return remote_call_obstacle<result_type, std::decay_t<F>, std::decay_t<Args>...>();
  }

private:
  struct invoker {
    template <class G, class... A>
    decltype(auto) operator()(G&& g, A&&... a) const {
      return std::invoke(std::forward<G>(g), std::forward<A>(a)...);
    }
  };

  std::tuple<std::decay_t<F>, std::decay_t<Args>...> call_;
};

/// A call with its future's state: one allocation per submit.
/**
 * `Call` holds what to call (`bound_call`, or a dependent task's call that
 * also reads its parents' values) and offers `invoke()`, `encode(out)`,
 * `remotable` and `obstacle()`. It is destroyed right after the call, not
 * with the last future.
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

  void encode_remote(std::vector<std::byte>& out) override {
    if constexpr (Call::remotable) {
      call_.encode(out);
      drop_call();
    } else {
      throw call_not_remotable(not_remotable_message());
    }
  }

  /// What a process pool says of a call that cannot cross.
  static std::string not_remotable_message() {
    return "process_pool_executor: this call cannot run in another process: " +
           Call::obstacle() +
           ". Pass a free function, a captureless lambda or a function object whose "
           "fields have a codec, and arguments that have one (see cf::codec)";
  }

  bool start_remote() noexcept override {
    if (this->start_task())
      return true;
    this->release();
    return false;
  }

  void complete_remote([[maybe_unused]] std::span<std::byte const> reply,
                       [[maybe_unused]] int pid) noexcept override {
    if constexpr (Call::remotable) {
      try {
        codec_reader in(reply);
        if (in.read<std::uint8_t>() == static_cast<std::uint8_t>(reply_status::value)) {
          if constexpr (std::is_void_v<R>) {
            require_consumed(in);
            this->construct_and_publish();
          } else {
            // Decoded whole before it is stored: bytes left over mean the
            // reply was not made by R's codec, and its value is not one.
            R value = in.read<R>();
            require_consumed(in);
            this->emplace_from([&value] { return std::move(value); });
            this->publish();
          }
        } else {
          std::exception_ptr e = decode_exception(in, pid);
          require_consumed(in);
          this->publish_exception(std::move(e));
        }
      } catch (...) {
        this->publish_exception(std::current_exception());
      }
    }
    this->release();
  }

protected:
  static void require_consumed(codec_reader const& in) {
    if (in.remaining() != 0)
      throw codec_error("cf::codec: a worker's reply holds " +
                        std::to_string(in.remaining()) +
                        " bytes after its outcome; the result type's codec reads less "
                        "than its encode writes");
  }

  ~basic_call_task() override {
    if (alive_)
      call_.~Call();
  }

  Call& call_ref() noexcept { return call_; }

  /// Destroys the call (callable, arguments, parents) once.
  void drop_call() noexcept {
    if (alive_) {
      alive_ = false;
      call_.~Call();
    }
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
