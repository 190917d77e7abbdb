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
    : error("the future was cancelled before it ran (by cancel(), "
            "shutdown(cancel_futures=true), a cancelled co_await or async_wait on it, "
            "or a cancelled parent)") {}

timeout_error::timeout_error() : error("the future did not finish within the timeout") {}

broken_thread_pool::broken_thread_pool()
    : broken_executor("A thread initializer failed, the thread pool is not "
                      "usable anymore") {}

broken_process_pool::broken_process_pool()
    : broken_executor("A child process terminated abruptly, the process pool is not "
                      "usable anymore") {}

broken_process_pool::broken_process_pool(std::string const& what_arg, int pid, int signal,
                                         int exit_status)
    : broken_executor(what_arg), pid_(pid), signal_(signal), exit_status_(exit_status) {}

struct remote_error::details {
  std::string type_name;
  std::string message;
  std::string host;
};

remote_error::remote_error(std::string const& type_name, std::string const& message,
                           int pid)
    : remote_error(type_name, message, pid, -1, {}) {}

remote_error::remote_error(std::string const& type_name, std::string const& message,
                           int pid, int rank, std::string host)
    : std::runtime_error(type_name + (message.empty() ? std::string() : ": " + message) +
                         (rank < 0 ? " (in worker process " + std::to_string(pid) + ")"
                                   : " (in rank " + std::to_string(rank) + " on " + host +
                                         ", pid " + std::to_string(pid) + ")")),
      details_(
          std::make_shared<details const>(details{type_name, message, std::move(host)})),
      pid_(pid), rank_(rank) {}

std::string const& remote_error::host() const noexcept {
  return details_->host;
}

broken_mpi_pool::broken_mpi_pool(std::string const& what_arg, int rank, std::string host,
                                 int pid, int signal)
    : broken_executor(what_arg),
      host_(std::make_shared<std::string const>(std::move(host))), rank_(rank), pid_(pid),
      signal_(signal) {}

std::string const& broken_mpi_pool::host() const noexcept {
  return *host_;
}

std::string const& remote_error::type_name() const noexcept {
  return details_->type_name;
}

std::string const& remote_error::message() const noexcept {
  return details_->message;
}

} // namespace concurrent::futures
