// expect: T must be movable
#include <concurrent/futures/future.hpp>

#include <boost/asio/use_future.hpp>

#include <mutex>

void f(concurrent::futures::future<std::mutex> g) {
  std::move(g).async_wait(boost::asio::use_future);
}
