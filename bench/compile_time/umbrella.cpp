//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// Compile-time benchmark (a): the umbrella header, a thread pool, one
// submit + result. Compiled only (-c), never linked or run.

#include <concurrent/futures.hpp>

namespace cf = concurrent::futures;

int add(int a, int b) {
  return a + b;
}

int main() {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  return pool.submit(add, 1, 2).result() == 3 ? 0 : 1;
}
