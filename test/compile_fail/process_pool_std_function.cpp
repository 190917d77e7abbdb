// expect: its target cannot cross a process boundary
#include <concurrent/futures/process_pool_executor.hpp>

#include <functional>

void f(concurrent::futures::process_pool_executor& procs) {
  std::function<int(int)> twice = [](int x) { return 2 * x; };
  procs.submit(twice, 21);
}
