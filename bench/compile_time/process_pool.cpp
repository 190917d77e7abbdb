//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// Compile-time benchmark (d): the process pool's header alone, one submit +
// result. Compiled only (-c), never linked or run.

#include <concurrent/futures/process_pool_executor.hpp>

namespace cf = concurrent::futures;

int add(int a, int b) {
  return a + b;
}

int main() {
  cf::process_pool_executor procs{{.max_workers = 2}};
  return procs.submit(add, 1, 2).result() == 3 ? 0 : 1;
}
