//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/detail/mpi/executor_core.hpp>

#include "detail/mpi/engine.hpp"
#include "detail/wire/encode_task.hpp"

#include <stdexcept>

namespace concurrent::futures {

mpi_executor_base::~mpi_executor_base() = default;

void mpi_executor_base::enqueue(detail::task_node& task) {
  if (!engine_)
    throw std::logic_error(
        "mpi_comm_executor: submit on a worker rank; only the root submits (guard the "
        "root's code with if (ex.is_root()))");
  detail::encode_and_queue(
      task, [this](detail::task_node& t, auto message) { engine_->submit(t, message); });
}

void mpi_executor_base::shutdown(bool wait, bool cancel_futures) {
  if (!engine_)
    return;
  close_dependents(wait, cancel_futures);
  engine_->shutdown(wait, cancel_futures);
}

int mpi_executor_base::num_workers() const noexcept {
  return engine_ ? engine_->num_workers() : 0;
}

} // namespace concurrent::futures
