// Built against the installed package by the consumer_project test.
#include <concurrent/futures.hpp>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstdio>
#include <exception>
#include <vector>

namespace cf = concurrent::futures;
namespace asio = boost::asio;

int main() {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::vector<cf::future<int>> fs;
  for (int i = 0; i < 10; ++i)
    fs.push_back(pool.submit([](int x) { return x * x; }, i));
  int sum = 0;
  for (auto& f : cf::as_completed(fs))
    sum += f.result();
  std::printf("consumer: sum of squares 0..9 = %d\n", sum);

  // The Asio bridge: a coroutine offloads and resumes on its io_context.
  asio::io_context ioc;
  int offloaded = 0;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        offloaded = co_await cf::run_in_executor(pool, [] { return 6 * 7; });
        offloaded += co_await cf::to_thread([] { return 1; });
      },
      [](std::exception_ptr e) {
        if (e)
          std::rethrow_exception(e);
      });
  ioc.run();
  std::printf("consumer: offloaded = %d\n", offloaded);
  return sum == 285 && offloaded == 43 ? 0 : 1;
}
