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

} // namespace concurrent::futures
