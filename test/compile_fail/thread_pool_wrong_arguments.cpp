// expect: submit(fn, args...): fn cannot be called with these arguments
#include <concurrent/futures/thread_pool_executor.hpp>

#include <string>

void f(concurrent::futures::thread_pool_executor& pool) {
  pool.submit([](std::string const& s) { return s.size(); }, 42);
}
