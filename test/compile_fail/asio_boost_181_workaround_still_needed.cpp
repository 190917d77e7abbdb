// expect: awaitable_async_op_handler
// when it compiles: this Boost's Asio awaits a cf::future without
// include/concurrent/futures/detail/asio/awaitable_boost_181.hpp: run the co_await tests
// without it (define CONCURRENT_FUTURES_NO_BOOST_181_AWAITABLE) and, if they pass, narrow
// that header's version check and delete this file
//
// Asio's own path for `co_await f` and `co_await op(asio::deferred)`, without
// the Boost 1.81 workaround: it must not compile while the workaround is
// needed.
#define CONCURRENT_FUTURES_NO_BOOST_181_AWAITABLE
#include <concurrent/futures/future.hpp>
#include <concurrent/futures/promise.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/deferred.hpp>

namespace cf = concurrent::futures;

boost::asio::awaitable<int> awaits(cf::future<int> f) {
  int a = co_await std::move(f);
  co_return a;
}

boost::asio::awaitable<int> awaits_deferred(cf::future<int> f) {
  int a = co_await std::move(f).async_wait(boost::asio::deferred);
  co_return a;
}

int main() {}
