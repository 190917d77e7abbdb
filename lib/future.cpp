//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/future.hpp>

#include "detail/sys/exception_text.hpp"

#include <cstdio>
#include <mutex>
#include <ostream>

namespace concurrent::futures {

namespace {

std::mutex handler_mutex;
callback_error_handler& installed_handler() {
  static callback_error_handler h;
  return h;
}

void default_handler(std::exception_ptr const& e, any_future const& f) {
  std::string const line =
      "exception calling callback for " + f.repr() + ": " + detail::what_of(e) + "\n";
  std::fputs(line.c_str(), stderr);
}

} // namespace

callback_error_handler set_callback_error_handler(callback_error_handler handler) {
  std::lock_guard lock(handler_mutex);
  return std::exchange(installed_handler(), std::move(handler));
}

std::ostream& operator<<(std::ostream& os, any_future const& f) {
  return os << f.repr();
}

namespace detail {

void throw_no_state() {
  throw std::future_error(std::future_errc::no_state);
}

void report_callback_error(std::exception_ptr e, shared_state_base& s) noexcept {
  try {
    callback_error_handler h;
    {
      std::lock_guard lock(handler_mutex);
      h = installed_handler();
    }
    any_future const f = future_access::share_any(s);
    if (h)
      h(e, f);
    else
      default_handler(e, f);
  } catch (...) {
    // The handler itself failed: nothing sensible is left to report to.
  }
}

} // namespace detail
} // namespace concurrent::futures
