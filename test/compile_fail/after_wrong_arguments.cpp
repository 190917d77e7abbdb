// expect: fn cannot be called with the parents' values
#include <concurrent/futures/thread_pool_executor.hpp>

#include <string>

void f(concurrent::futures::thread_pool_executor& pool) {
  auto n = pool.submit([] { return 1; });
  pool.submit(concurrent::futures::after(n), [](std::string const&) {});
}
