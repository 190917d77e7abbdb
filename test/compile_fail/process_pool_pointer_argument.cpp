// expect: a pointer cannot cross a process boundary
#include <concurrent/futures/process_pool_executor.hpp>

#include <cstring>

std::size_t length(char const* s) {
  return std::strlen(s);
}

void f(concurrent::futures::process_pool_executor& procs) {
  procs.submit(length, "text");
}
