//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_SUPPORT_HPP
#define CONCURRENT_FUTURES_TEST_SUPPORT_HPP

// Helpers shared by the tests: Python's threading.Event, the futures of
// CPython's test util (one per state), and a capture of the callback error
// handler; waiting until a thread blocks; a record of the order tasks start
// in, and a task that holds a pool's worker until released.

#include <concurrent/futures/executor.hpp>
#include <concurrent/futures/future.hpp>
#include <concurrent/futures/promise.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <unistd.h>

namespace cf = concurrent::futures;
using namespace std::chrono_literals;

namespace test {

/// Python's threading.Event.
class event {
public:
  // Notifies under the lock: a waiter that wakes may destroy the event at
  // once, so set() must be done with it by then.
  void set() {
    std::lock_guard lock(mutex_);
    set_ = true;
    cv_.notify_all();
  }
  bool is_set() const {
    std::lock_guard lock(mutex_);
    return set_;
  }
  /// Waits until set; false if `timeout` passed first.
  bool wait(std::chrono::milliseconds timeout = std::chrono::minutes(2)) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [this] { return set_; });
  }

private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  bool set_ = false;
};

/// Counts up; waiters block until a count is reached.
class counter {
public:
  void add(int n = 1) {
    std::lock_guard lock(mutex_);
    value_ += n;
    cv_.notify_all();
  }
  int value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }
  bool wait_for(int target,
                std::chrono::milliseconds timeout = std::chrono::minutes(2)) const {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return value_ >= target; });
  }

private:
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  int value_ = 0;
};

/// An OSError stand-in, as CPython's EXCEPTION_FUTURE holds.
struct os_error : std::runtime_error {
  os_error() : std::runtime_error("os error") {}
};

// CPython's util.create_future(state=...), reached through public
// transitions only. The promises of pending and running futures are kept
// until the test program exits, so the futures stay as made.
inline cf::future<int> kept_promise_future() {
  static std::mutex mutex;
  static std::vector<cf::promise<int>> kept;
  std::lock_guard lock(mutex);
  kept.emplace_back();
  return kept.back().get_future();
}

/// One future per promise, in order.
template <class T>
std::vector<cf::future<T>> futures_of(std::vector<cf::promise<T>> const& promises) {
  std::vector<cf::future<T>> fs;
  for (auto& p : promises)
    fs.push_back(p.get_future());
  return fs;
}

inline cf::future<int> pending_future() {
  return kept_promise_future();
}

inline cf::future<int> running_future() {
  auto f = kept_promise_future();
  f.set_running_or_notify_cancel();
  return f;
}

inline cf::future<int> cancelled_future() {
  auto f = pending_future();
  f.cancel();
  return f;
}

inline cf::future<int> cancelled_and_notified_future() {
  auto f = cancelled_future();
  f.set_running_or_notify_cancel();
  return f;
}

inline cf::future<int> exception_future() {
  cf::promise<int> p;
  p.set_exception(os_error());
  return p.get_future();
}

inline cf::future<int> successful_future(int value = 42) {
  cf::promise<int> p;
  p.set_result(value);
  return p.get_future();
}

/// Installs a callback error handler for its lifetime and records what it
/// receives.
class captured_callback_errors {
public:
  captured_callback_errors() {
    previous_ = cf::set_callback_error_handler(
        [this](std::exception_ptr e, cf::any_future const& f) {
          std::lock_guard lock(mutex_);
          try {
            std::rethrow_exception(e);
          } catch (std::exception const& x) {
            messages_.push_back(x.what());
          } catch (...) {
            messages_.push_back("<non-std exception>");
          }
          futures_.push_back(f);
        });
  }
  ~captured_callback_errors() { cf::set_callback_error_handler(previous_); }

  std::vector<std::string> messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  std::vector<cf::any_future> futures() const {
    std::lock_guard lock(mutex_);
    return futures_;
  }

private:
  mutable std::mutex mutex_;
  std::vector<std::string> messages_;
  std::vector<cf::any_future> futures_;
  cf::callback_error_handler previous_;
};

// Captures what is written to stderr (fd 2) while it lives.
class stderr_capture {
public:
  stderr_capture() {
    std::fflush(stderr);
    file_ = std::tmpfile();
    saved_ = ::dup(2);
    ::dup2(::fileno(file_), 2);
  }
  ~stderr_capture() { restore(); }
  std::string text() {
    restore();
    std::rewind(file_);
    std::string out;
    char buf[256];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, file_))
      out.append(buf, n);
    return out;
  }

private:
  void restore() {
    if (saved_ >= 0) {
      std::fflush(stderr);
      ::dup2(saved_, 2);
      ::close(saved_);
      saved_ = -1;
    }
  }
  std::FILE* file_;
  int saved_;
};

/// Blocks until thread `tid` of this process sleeps (state S in
/// /proc/self/task/<tid>/stat), i.e. it reached a blocking wait, or a
/// minute passed. Lets a test complete a future only once its waiter is
/// really blocked, instead of sleeping "long enough".
/**
 * @returns false if a minute passed first, true if the thread slept or is
 * gone (a thread that returned cannot be waiting any more).
 */
inline bool wait_until_sleeping(pid_t tid) {
  auto const path = "/proc/self/task/" + std::to_string(tid) + "/stat";
  auto const until = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  while (std::chrono::steady_clock::now() < until) {
    std::FILE* f = std::fopen(path.c_str(), "r");
    if (f == nullptr)
      return true;
    char line[512] = {};
    std::size_t const n = std::fread(line, 1, sizeof line - 1, f);
    std::fclose(f);
    // "pid (comm) S ...": the state follows the last ')'.
    std::string const text(line, n);
    auto const paren = text.rfind(')');
    if (paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'S')
      return true;
    std::this_thread::yield();
  }
  return false;
}

/// Threads about to block in the call under test: each calls enter() right
/// before it; all_asleep(n) returns once n have entered and each of them
/// sleeps, so the test completes what they wait for only then.
class sleepers {
public:
  void enter() {
    {
      std::lock_guard lock(mutex_);
      tids_.push_back(::gettid());
    }
    entered_.add();
  }
  /// False if they did not all enter and fall asleep within minutes.
  bool all_asleep(int n) {
    if (!entered_.wait_for(n))
      return false;
    std::vector<pid_t> tids;
    {
      std::lock_guard lock(mutex_);
      tids = tids_;
    }
    bool asleep = true;
    for (pid_t tid : tids)
      asleep = wait_until_sleeping(tid) && asleep;
    return asleep;
  }

private:
  std::mutex mutex_;
  std::vector<pid_t> tids_;
  counter entered_;
};

/// Runs `action` on a thread of its own once the thread that made this
/// object sleeps. Made right before a blocking call, it completes what the
/// call waits for only once the call blocks, so a test of "a blocked X wakes
/// on Y" cannot pass by finding Y already done. Joins on destruction.
class when_asleep {
public:
  template <class F>
  explicit when_asleep(F action)
      : sleeper_(::gettid()), thread_([this, action = std::move(action)]() mutable {
          slept_ = wait_until_sleeping(sleeper_);
          action();
        }) {}
  when_asleep(when_asleep const&) = delete;
  when_asleep& operator=(when_asleep const&) = delete;
  ~when_asleep() { join(); }
  /// Joins, and fails the test if the action ran without the thread ever
  /// sleeping: then the test did not check what it says.
  void join() {
    if (thread_.joinable()) {
      thread_.join();
      BOOST_TEST(slept_.load(), "the thread under test never blocked");
    }
  }

private:
  pid_t sleeper_;
  std::atomic<bool> slept_{false};
  std::thread thread_;
};

/// The message of the cf::cancelled_error in `e`; empty for anything else.
inline std::string cancelled_what(std::exception_ptr e) {
  try {
    if (e)
      std::rethrow_exception(e);
  } catch (cf::cancelled_error const& c) {
    return c.what();
  } catch (...) {
  }
  return {};
}

/// Whether `text` contains `part`.
inline bool mentions(std::string const& text, char const* part) {
  return text.find(part) != std::string::npos;
}

// The order in which tasks start, recorded by the tasks themselves.
class start_log {
public:
  void add(std::string tag) {
    std::lock_guard lock(mutex_);
    tags_.push_back(std::move(tag));
  }
  std::vector<std::string> tags() const {
    std::lock_guard lock(mutex_);
    return tags_;
  }

private:
  mutable std::mutex mutex_;
  std::vector<std::string> tags_;
};

// Occupies a pool's only worker until released.
class blocker {
public:
  explicit blocker(cf::executor& pool)
      : done_(pool.submit([this] {
          started_.set();
          release_.wait();
        })) {
    BOOST_REQUIRE(started_.wait());
  }
  // Waits for the task, which uses this object until it returns.
  ~blocker() {
    release();
    done_.result();
  }
  void release() { release_.set(); }
  /// The blocking task's future (running until released).
  cf::future<void> const& task() const { return done_; }

private:
  test::event started_;
  test::event release_;
  cf::future<void> done_;
};

} // namespace test

#endif
