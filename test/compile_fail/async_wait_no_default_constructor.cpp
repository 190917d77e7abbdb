// expect: T must be default-constructible
#include <concurrent/futures/future.hpp>

#include <boost/asio/use_future.hpp>

struct no_default {
  explicit no_default(int) {}
};

void f(concurrent::futures::future<no_default> g) {
  g.async_wait(boost::asio::use_future);
}
