// expect: the call runs in another process, which cannot change the caller's variable
#include <concurrent/futures/process_pool_executor.hpp>

void bump(int& counter) {
  ++counter;
}

void f(concurrent::futures::process_pool_executor& procs) {
  int counter = 0;
  procs.submit(bump, counter);
}
