// expect: no cf::codec<T>
// A parent's value travels with the dependent call, so it needs a codec too.
#include <concurrent/futures/process_pool_executor.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

class handle {
public:
  int fd() const { return fd_; }

private:
  int fd_ = 0;
};

int use(handle const& h) {
  return h.fd();
}

void f(concurrent::futures::thread_pool_executor& threads,
       concurrent::futures::process_pool_executor& procs) {
  auto h = threads.submit([] { return handle{}; });
  procs.submit(concurrent::futures::after(h), use);
}
