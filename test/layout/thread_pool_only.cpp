//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A program that uses only a thread pool: it must include none of the Wire
// (the codec, Boost.PFR) and instantiate none of the remote-call machinery.
// The includes are checked here, at compile time; the symbols by
// check_symbols.cmake on this file's object.

#include <concurrent/futures/thread_pool_executor.hpp>

#if defined(CONCURRENT_FUTURES_CODEC_HPP) || defined(BOOST_PFR_CORE_HPP) ||              \
    defined(CONCURRENT_FUTURES_DETAIL_WIRE_SEAM_HPP)
#error                                                                                   \
    "a thread-pool-only program includes the Wire: the foundation reaches past its seam"
#endif

namespace cf = concurrent::futures;

namespace {
int twice(int x) {
  return 2 * x;
}
} // namespace

int main() {
  cf::thread_pool_executor pool;
  cf::executor& ex = pool;
  int const a = pool.submit(twice, 1).result();
  int const b = ex.submit(cf::priority{1}, twice, 2).result();
  auto c = ex.submit(cf::after(pool.submit(twice, 3)), [](int v) { return v + 1; });
  int sum = 0;
  for (int v : ex.map(twice, std::vector<int>{1, 2, 3}))
    sum += v;
  return a + b + c.result() + sum == 2 + 4 + 7 + 12 ? 0 : 1;
}
