//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_LAYOUT_WITHOUT_WIRE_HPP
#define CONCURRENT_FUTURES_TEST_LAYOUT_WITHOUT_WIRE_HPP

#include <concurrent/futures/executor.hpp>

namespace concurrent::futures::test {

int triple(int x);
future<int> submit_without_wire(executor& ex, int x);
future<int> submit_after_without_wire(executor& ex, future<int> parent);

} // namespace concurrent::futures::test

#endif
