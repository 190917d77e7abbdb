//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/exceptions.hpp>

namespace concurrent::futures {

error::error(std::string const& what_arg) : message_(what_arg) {}

error::error(char const* what_arg) : message_(what_arg) {}

char const* error::what() const noexcept {
  return message_.what();
}

cancelled_error::cancelled_error()
    : error("the future was cancelled before it ran (cancel() or "
            "shutdown(cancel_futures=true))") {}

timeout_error::timeout_error() : error("the future did not finish within the timeout") {}

broken_thread_pool::broken_thread_pool()
    : broken_executor("A thread initializer failed, the thread pool is not "
                      "usable anymore") {}

} // namespace concurrent::futures
