//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_POOL_FIXTURE_HPP
#define CONCURRENT_FUTURES_TEST_POOL_FIXTURE_HPP

#include <concurrent/futures/thread_pool_executor.hpp>

namespace test {

/// CPython's ExecutorMixin for the thread pool: five workers, shut down
/// (waiting) when the test ends.
struct pool_fixture {
  concurrent::futures::thread_pool_executor executor{{.max_workers = 5}};
};

/// CPython's test helper `mul`.
inline int mul(int x, int y) {
  return x * y;
}

} // namespace test

#endif
