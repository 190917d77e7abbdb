// expect: A lambda with captures cannot cross a process boundary
#include <concurrent/futures/process_pool_executor.hpp>

void f(concurrent::futures::process_pool_executor& procs) {
  int n = 3;
  procs.submit([n](int x) { return x * n; }, 2);
}
