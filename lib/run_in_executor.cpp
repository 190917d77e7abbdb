//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/run_in_executor.hpp>

#include <mutex>
#include <stdexcept>

namespace concurrent::futures {

namespace asio = boost::asio;

namespace {

// The default executor of one execution context.
class default_executor_service : public asio::execution_context::service {
public:
  using key_type = default_executor_service;
  static asio::execution_context::id id;

  explicit default_executor_service(asio::execution_context& context)
      : asio::execution_context::service(context) {}

  thread_pool_executor& get() {
    std::lock_guard lock(mutex_);
    if (closed_)
      throw std::runtime_error(
          "Executor shutdown has been called: this context's default executor "
          "was shut down (shutdown_default_executor, or the context is being "
          "destroyed); pass an executor to run_in_executor instead");
    if (!executor_)
      executor_ = std::make_shared<thread_pool_executor>(
          thread_pool_options{.thread_name_prefix = "cf_default"});
    return *executor_;
  }

  void set(std::shared_ptr<thread_pool_executor> executor) {
    if (!executor)
      throw std::invalid_argument("set_default_executor: the executor is null");
    std::shared_ptr<thread_pool_executor> old;
    {
      std::lock_guard lock(mutex_);
      if (closed_)
        throw std::runtime_error("Executor shutdown has been called: cannot set the "
                                 "default executor of a context after it was shut down");
      old = std::exchange(executor_, std::move(executor));
    }
    // The previous one goes outside the lock: if this was its last owner,
    // its destructor waits for its tasks.
  }

  // Idempotent; blocks until the executor's tasks are done.
  void close() {
    std::shared_ptr<thread_pool_executor> executor;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      executor = executor_;
    }
    if (executor)
      executor->shutdown(true);
  }

private:
  void shutdown() override { close(); }

  std::mutex mutex_;
  std::shared_ptr<thread_pool_executor> executor_;
  bool closed_ = false;
};

asio::execution_context::id default_executor_service::id;

} // namespace

thread_pool_executor& default_executor(asio::execution_context& context) {
  return asio::use_service<default_executor_service>(context).get();
}

void set_default_executor(asio::execution_context& context,
                          std::shared_ptr<thread_pool_executor> executor) {
  asio::use_service<default_executor_service>(context).set(std::move(executor));
}

void shutdown_default_executor(asio::execution_context& context) {
  asio::use_service<default_executor_service>(context).close();
}

} // namespace concurrent::futures
