//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// Compile-time benchmark (e), a reference: <boost/asio.hpp>, one post to an
// asio::thread_pool and a wait for it. Compiled only (-c), never linked or
// run.

#include <boost/asio.hpp>

namespace asio = boost::asio;

int add(int a, int b) {
  return a + b;
}

int main() {
  asio::thread_pool pool(2);
  int out = 0;
  asio::post(pool, [&out] { out = add(1, 2); });
  pool.join();
  return out == 3 ? 0 : 1;
}
