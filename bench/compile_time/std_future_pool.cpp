//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//
// Compile-time benchmark (f), a reference: a pool written on the standard
// library alone (std::thread workers over a queue of std::packaged_task), one
// submit + get. Compiled only (-c), never linked or run.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

class pool {
public:
  explicit pool(int n) {
    for (int i = 0; i < n; ++i)
      threads_.emplace_back([this] { work(); });
  }
  ~pool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
      t.join();
  }

  template <class F, class... Args>
  auto submit(F fn, Args... args) {
    using R = std::invoke_result_t<F, Args...>;
    std::packaged_task<R()> task(std::bind(fn, args...));
    auto f = task.get_future();
    {
      std::lock_guard lock(mutex_);
      queue_.emplace_back(std::move(task));
    }
    cv_.notify_one();
    return f;
  }

private:
  void work() {
    for (;;) {
      std::packaged_task<void()> task;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
        if (queue_.empty())
          return;
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();
    }
  }

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<void()>> queue_;
  std::vector<std::thread> threads_;
  bool stop_ = false;
};

int add(int a, int b) {
  return a + b;
}

int main() {
  pool p(2);
  return p.submit(add, 1, 2).get() == 3 ? 0 : 1;
}
