// expect: T is move-only: co_await std::move(f)
#include <concurrent/futures/future.hpp>

#include <boost/asio/awaitable.hpp>

#include <memory>

boost::asio::awaitable<void> f(concurrent::futures::future<std::unique_ptr<int>> g) {
  auto p = co_await g; // copying a move-only value: must not compile
}
