// expect: no cf::codec<T>
#include <concurrent/futures/process_pool_executor.hpp>

#include <mutex>

class counter {
public:
  int value() const { return n_; }

private:
  int n_ = 0;
};

counter make() {
  return {};
}

void f(concurrent::futures::process_pool_executor& procs) {
  procs.submit(make);
}
