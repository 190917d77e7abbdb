// Built against the installed package by the consumer_project test.
#include <concurrent/futures.hpp>

#include <cstdio>
#include <vector>

namespace cf = concurrent::futures;

int main() {
  cf::thread_pool_executor pool{{.max_workers = 2}};
  std::vector<cf::future<int>> fs;
  for (int i = 0; i < 10; ++i)
    fs.push_back(pool.submit([](int x) { return x * x; }, i));
  int sum = 0;
  for (auto& f : cf::as_completed(fs))
    sum += f.result();
  std::printf("consumer: sum of squares 0..9 = %d\n", sum);
  return sum == 285 ? 0 : 1;
}
