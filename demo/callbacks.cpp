//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// callbacks: react to a future's completion with add_done_callback, and
// handle each task's exception, with try/catch around result() or with
// exception().
//
// Nine tasks run on a pool of three threads; every third one throws.
//   1. Each future gets a done callback. It runs in the worker thread that
//      finished the task, right after the result is stored.
//   2. The main thread then goes over the futures and handles each failure,
//      first with try/catch around result(), then with exception().
//   3. A callback added to a future that is already done runs at once, in
//      the thread that adds it, before add_done_callback returns.

#include <concurrent/futures.hpp>

#include <pthread.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <latch>
#include <stdexcept>
#include <string>
#include <syncstream>
#include <thread>
#include <vector>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;

namespace {

// The pool names its threads "<thread_name_prefix>_<i>", as Python does.
std::string thread_name() {
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

// Lines from several threads: std::osyncstream writes each line whole.
std::osyncstream out() {
  return std::osyncstream(std::cout);
}

constexpr int task_count = 9;

bool should_fail(int i) {
  return i % 3 == 2;
}

// The task: simulated work, then a result, or an exception for every third
// input. The exception is stored in the future, not lost in the worker.
int compute(int i) {
  std::this_thread::sleep_for(10ms * (1 + i % 4)); // simulated latency
  if (should_fail(i))
    throw std::runtime_error("input " + std::to_string(i) + " is out of range");
  return i * i;
}

// What a done future holds, in words: the value or the exception's message.
std::string describe(cf::future<int> const& f) {
  try {
    return "returned " + std::to_string(f.result());
  } catch (std::exception const& e) {
    return std::string("failed: ") + e.what();
  }
}

} // namespace

int main() {
  pthread_setname_np(pthread_self(), "main");
  std::cout << "callbacks: add_done_callback, and handling each task's "
               "exception\n\n";
  bool ok = true;

  // Declared before the pool, so they outlive every task and callback: the
  // pool's destructor, which waits for the tasks, runs first.
  std::latch gate{1};
  std::latch callbacks_done{task_count};
  std::atomic<int> callbacks_ok{0}, callbacks_failed{0}, callbacks_on_pool{0};

  cf::thread_pool_executor pool{{.max_workers = 3, .thread_name_prefix = "worker"}};

  // The tasks wait at a gate until every callback is attached. Only so that
  // this demo shows the worker-thread case every time: without the gate, a
  // task could finish before its callback is added, and that callback would
  // run in main instead (part 3).
  std::vector<cf::future<int>> futures;
  for (int i = 0; i < task_count; ++i)
    futures.push_back(pool.submit([&gate, i] {
      gate.wait();
      return compute(i);
    }));

  std::cout << "1. done callbacks, as the tasks finish\n";
  for (int i = 0; i < task_count; ++i) {
    // The callback receives the future, done: result() and exception() do not
    // block in it. Nobody can catch what a callback throws: it goes to the
    // handler set with cf::set_callback_error_handler (by default, a line on
    // stderr), so handle errors inside the callback.
    futures[i].add_done_callback([&, i](cf::future<int> const& f) {
      bool const failed = f.exception() != nullptr;
      (failed ? callbacks_failed : callbacks_ok)++;
      if (pool.running_in_this_thread())
        ++callbacks_on_pool;
      out() << "  callback for task " << i << " in thread " << thread_name() << ": "
            << describe(f) << '\n';
      callbacks_done.count_down();
    });
  }
  gate.count_down(); // let the tasks run
  // Wait for the callbacks themselves: result() can return before a future's
  // callbacks have finished, since they run after the result is stored.
  callbacks_done.wait();
  std::cout << "  " << callbacks_ok << " ok, " << callbacks_failed
            << " failed; callbacks that ran on a pool thread: " << callbacks_on_pool
            << " of " << task_count << "\n\n";
  ok =
      ok && callbacks_ok == 6 && callbacks_failed == 3 && callbacks_on_pool == task_count;

  std::cout << "2. the main thread handles each future\n";
  // (a) result() rethrows the task's exception, with its own type: catch it
  // where you would have caught it around a direct call.
  int ok_by_result = 0, failed_by_result = 0;
  for (int i = 0; i < task_count; ++i) {
    try {
      int const value = futures[i].result();
      ++ok_by_result;
      std::cout << "  task " << i << ": result() = " << value << '\n';
    } catch (std::runtime_error const& e) {
      ++failed_by_result;
      std::cout << "  task " << i << ": result() threw std::runtime_error: " << e.what()
                << '\n';
    }
  }
  // (b) exception() returns the exception without throwing it (null on
  // success): handy to count or collect failures.
  int ok_by_exception = 0;
  std::vector<std::exception_ptr> errors;
  for (cf::future<int> const& f : futures) {
    if (std::exception_ptr e = f.exception())
      errors.push_back(e);
    else
      ++ok_by_exception;
  }
  std::cout << "  with try/catch around result(): " << ok_by_result << " ok, "
            << failed_by_result << " failed\n"
            << "  with exception():               " << ok_by_exception << " ok, "
            << errors.size() << " failed\n";
  // An exception_ptr is rethrown where its type matters.
  for (std::exception_ptr const& e : errors) {
    try {
      std::rethrow_exception(e);
    } catch (std::exception const& x) {
      std::cout << "    collected: " << x.what() << '\n';
    }
  }
  std::cout << '\n';
  ok = ok && ok_by_result == 6 && failed_by_result == 3 && ok_by_exception == 6 &&
       errors.size() == 3;

  std::cout << "3. a callback added to a future that is already done\n";
  bool ran = false;
  std::thread::id ran_in;
  futures[0].add_done_callback([&](cf::future<int> const& f) {
    ran = true;
    ran_in = std::this_thread::get_id();
    std::cout << "  callback for task 0 in thread " << thread_name() << ": "
              << describe(f) << '\n';
  });
  bool const inline_in_main = ran && ran_in == std::this_thread::get_id();
  std::cout << "  add_done_callback returned; the callback "
            << (inline_in_main ? "had already run, in this thread"
                               : "had NOT run in this thread")
            << '\n';
  ok = ok && inline_in_main;

  if (!ok) {
    std::cerr << "unexpected results (see above)\n";
    return 1;
  }
  return 0;
}
