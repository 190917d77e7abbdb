// expect: copies the arguments into the task: pass std::ref(x)
#include <concurrent/futures/thread_pool_executor.hpp>

void bump(int& counter) {
  ++counter;
}

void f(concurrent::futures::thread_pool_executor& pool) {
  int counter = 0;
  pool.submit(bump, counter); // std::ref(counter) was meant
}
