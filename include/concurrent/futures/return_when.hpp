//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_RETURN_WHEN_HPP
#define CONCURRENT_FUTURES_RETURN_WHEN_HPP

namespace concurrent::futures {

/// When `wait()` returns (Python's `FIRST_COMPLETED`, `FIRST_EXCEPTION`,
/// `ALL_COMPLETED`).
enum class return_when {
  /// As soon as any future finishes or is cancelled and notified.
  first_completed,
  /// As soon as any future finishes with an exception; otherwise as
  /// `all_completed`. A cancellation does not count as an exception.
  first_exception,
  /// When every future has finished or been cancelled and notified.
  all_completed,
};

/// Python's `FIRST_COMPLETED`: `cf::first_completed`.
inline constexpr return_when first_completed = return_when::first_completed;
/// Python's `FIRST_EXCEPTION`: `cf::first_exception`.
inline constexpr return_when first_exception = return_when::first_exception;
/// Python's `ALL_COMPLETED`: `cf::all_completed`.
inline constexpr return_when all_completed = return_when::all_completed;

} // namespace concurrent::futures

#endif
