//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/executor.hpp>

#include "detail/executor/dependent_gate.hpp"

#include <memory>

namespace concurrent::futures {

executor::executor() : dependents_(std::make_shared<detail::dependent_gate>(*this)) {}

executor::~executor() {
  dependents_->detach();
}

void executor::close_dependents(bool wait, bool cancel_futures) {
  dependents_->close(wait, cancel_futures);
}

void executor::enqueue_all(std::span<detail::task_node* const> tasks) {
  std::size_t i = 0;
  try {
    for (; i < tasks.size(); ++i)
      enqueue(*tasks[i]);
  } catch (...) {
    // enqueue took none of tasks[i..]: each is abandoned, so no future
    // stays pending.
    for (; i < tasks.size(); ++i)
      tasks[i]->abandon(nullptr);
    throw;
  }
}

} // namespace concurrent::futures

namespace concurrent::futures::detail {

void throw_wire_not_visible() {
  throw std::invalid_argument(
      "a pool whose calls run in other processes was given a call submitted through "
      "cf::executor& in a translation unit that does not include "
      "<concurrent/futures/process_pool_executor.hpp>, so the code that encodes the "
      "call was not made there: include that header (or <concurrent/futures.hpp>) "
      "where the call is submitted");
}

} // namespace concurrent::futures::detail
