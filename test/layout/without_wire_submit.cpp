//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A translation unit that submits through cf::executor& without including
// the Wire: its calls carry no way to cross to another process.

#include <concurrent/futures/executor.hpp>

#include "without_wire.hpp"

namespace concurrent::futures::test {

int triple(int x) {
  return 3 * x;
}

future<int> submit_without_wire(executor& ex, int x) {
  return ex.submit(triple, x);
}

future<int> submit_after_without_wire(executor& ex, future<int> parent) {
  return ex.submit(after(std::move(parent)), triple);
}

} // namespace concurrent::futures::test
