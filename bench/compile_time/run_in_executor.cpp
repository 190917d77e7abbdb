//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// Compile-time benchmark (c): a coroutine on an io_context that co_awaits
// one call offloaded with run_in_executor. Compiled only (-c), never linked
// or run.

#include <concurrent/futures/run_in_executor.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace asio = boost::asio;
namespace cf = concurrent::futures;

int add(int a, int b) {
  return a + b;
}

asio::awaitable<void> offload(cf::thread_pool_executor& pool, int& out) {
  out = co_await cf::run_in_executor(pool, add, 1, 2);
}

int main() {
  asio::io_context ioc;
  cf::thread_pool_executor pool{{.max_workers = 2}};
  int out = 0;
  asio::co_spawn(ioc, offload(pool, out), asio::detached);
  ioc.run();
  return out == 3 ? 0 : 1;
}
