//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The public class: a facade over detail::process::pool_core
// (lib/detail/process/), which owns the workers, the backlog and the
// pool's thread.

#include <concurrent/futures/process_pool_executor.hpp>

#include "detail/process/pool_core.hpp"
#include "detail/wire/encode_task.hpp"

#include <signal.h>

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace concurrent::futures {

process_pool_executor::process_pool_executor(process_pool_options options)
    : core_(std::make_shared<detail::process::pool_core>(options)) {}

process_pool_executor::~process_pool_executor() {
  if (core_->forked_copy()) {
    // A copy in a forked child: the workers, the pool's thread and its locks
    // are the parent's. Ending them from here would stop the parent's pool
    // (the rings are shared memory) or wait for a thread that is not here.
    new std::shared_ptr<detail::process::pool_core>(
        std::move(core_)); // NOLINT: on purpose
  } else {
    shutdown(true, false);
  }
}

void process_pool_executor::enqueue(detail::task_node& task) {
  detail::encode_and_queue(
      task, [this](detail::task_node& t, auto message) { core_->submit(t, message); });
}

void process_pool_executor::shutdown(bool wait, bool cancel_futures) {
  if (core_->forked_copy())
    return; // the parent's pool: see the destructor
  close_dependents(wait, cancel_futures);
  core_->shutdown(wait, cancel_futures);
}

void process_pool_executor::terminate_workers() {
  if (core_->forked_copy())
    core_->signal_workers(SIGTERM); // throws: not this process' workers
  close_dependents(false, true);
  core_->signal_workers(SIGTERM);
}

void process_pool_executor::kill_workers() {
  if (core_->forked_copy())
    core_->signal_workers(SIGKILL); // throws: not this process' workers
  close_dependents(false, true);
  core_->signal_workers(SIGKILL);
}

int process_pool_executor::max_workers() const noexcept {
  return core_->max_workers();
}

std::vector<int> process_pool_executor::worker_pids() const {
  return core_->worker_pids();
}

start_method process_pool_executor::start_method() const noexcept {
  return core_->method();
}

} // namespace concurrent::futures
