//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_EXCEPTIONS_HPP
#define CONCURRENT_FUTURES_EXCEPTIONS_HPP

#include <concurrent/futures/config.hpp>

#include <exception>
#include <stdexcept>
#include <string>

namespace concurrent::futures {

/// Base of the errors a future reports (Python's `concurrent.futures.Error`).
/**
 * `cancelled_error`, `timeout_error` and `invalid_state_error` derive from it,
 * so one `catch (cf::error const&)` takes all three. It is not a
 * `std::runtime_error`, as Python's `Error` is not a `RuntimeError`.
 */
class CONCURRENT_FUTURES_DECL error : public std::exception {
public:
  explicit error(std::string const& what_arg);
  explicit error(char const* what_arg);

  /// The message; never empty.
  char const* what() const noexcept override;

private:
  // std::runtime_error gives a reference-counted string with a nothrow copy.
  std::runtime_error message_;
};

/// The future was cancelled (Python's `CancelledError`).
/**
 * Thrown by `result()` and `exception()` of a cancelled future, and delivered
 * through `std::exception_ptr` to asynchronous waiters.
 */
class CONCURRENT_FUTURES_DECL cancelled_error : public error {
public:
  cancelled_error();
  using error::error;
};

/// An operation did not finish before its timeout (Python's `TimeoutError`).
/**
 * Thrown by `future::result(timeout)`, `future::exception(timeout)`, by
 * advancing an `as_completed` range ("N (of M) futures unfinished") and by
 * advancing a `map` range. `wait()` never throws it: it returns partial sets.
 */
class CONCURRENT_FUTURES_DECL timeout_error : public error {
public:
  timeout_error();
  using error::error;
};

/// A future was completed twice or in a state that forbids it (Python's
/// `InvalidStateError`).
/**
 * The message is Python's: the state, a colon, then the future's
 * representation, e.g. `FINISHED: <future at 0x5581... state=finished
 * returned int>`.
 */
class CONCURRENT_FUTURES_DECL invalid_state_error : public error {
public:
  using error::error;
};

/// An executor can no longer run work (Python's `BrokenExecutor`).
class CONCURRENT_FUTURES_DECL broken_executor : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A thread pool's initializer failed (Python's `BrokenThreadPool`).
/**
 * Every future queued when it happened fails with it, and every later
 * `submit` throws it. Message: "A thread initializer failed, the thread pool
 * is not usable anymore", followed by the initializer's own `what()`.
 */
class CONCURRENT_FUTURES_DECL broken_thread_pool : public broken_executor {
public:
  broken_thread_pool();
  using broken_executor::broken_executor;
};

} // namespace concurrent::futures

#endif
