// expect: std::move(f).async_wait(token)
#include <concurrent/futures/future.hpp>

#include <boost/asio/use_future.hpp>

#include <memory>

void f(concurrent::futures::future<std::unique_ptr<int>> g) {
  g.async_wait(boost::asio::use_future);
}
