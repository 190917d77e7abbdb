//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/detail/deadline_watch.hpp>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <queue>
#include <thread>
#include <utility>
#include <vector>

#include <pthread.h>
#include <unistd.h>

namespace concurrent::futures::detail {
namespace {

using clock = std::chrono::steady_clock;

/// One thread that expires watches at their deadlines, earliest first. A
/// detached watch stays queued until its deadline (it only holds a weak
/// reference), so detaching costs one lock and never searches the queue.
class deadline_thread {
public:
  static deadline_thread& instance() {
    // Never destroyed: a wait may be armed or expire while statics go.
    static auto* const t = new deadline_thread;
    return *t;
  }

  deadline_thread() {
    // A fork must not copy the lock held; the child gets no thread and no
    // deadlines (the waits that armed them were its parent's threads').
    ::pthread_atfork([] { instance().mutex_.lock(); }, [] { instance().mutex_.unlock(); },
                     [] {
                       auto& t = instance();
                       t.mutex_.unlock();
                       t.queue_ = {};
                     });
  }

  void add(clock::time_point deadline, std::weak_ptr<deadline_watch> w) {
    std::unique_lock lock(mutex_);
    start_locked();
    bool const earliest = queue_.empty() || deadline < queue_.top().deadline;
    queue_.push(entry{deadline, std::move(w)});
    if (earliest)
      wake_.notify_one();
  }

private:
  struct entry {
    clock::time_point deadline;
    std::weak_ptr<deadline_watch> watch;
    bool operator>(entry const& other) const noexcept {
      return deadline > other.deadline;
    }
  };

  // Started on first use, and again in a forked child, which has the
  // parent's queue but not its thread.
  void start_locked() {
    pid_t const pid = ::getpid();
    if (started_pid_ == pid)
      return;
    std::thread(&deadline_thread::run, this).detach();
    started_pid_ = pid;
  }

  void run() {
    ::pthread_setname_np(::pthread_self(), "cf-deadlines");
    std::unique_lock lock(mutex_);
    for (;;) {
      if (queue_.empty()) {
        wake_.wait(lock);
        continue;
      }
      auto const next = queue_.top().deadline;
      if (clock::now() < next) {
        wake_.wait_until(lock, next);
        continue;
      }
      std::shared_ptr<deadline_watch> w = queue_.top().watch.lock();
      queue_.pop();
      if (w) {
        lock.unlock();
        w->expire();
        w.reset();
        lock.lock();
      }
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<entry, std::vector<entry>, std::greater<>> queue_;
  pid_t started_pid_ = 0;
};

} // namespace

std::shared_ptr<deadline_watch> deadline_watch::arm(clock::time_point deadline,
                                                    async_op_base& op) {
  auto w = std::make_shared<deadline_watch>(op);
  deadline_thread::instance().add(deadline, w);
  return w;
}

void deadline_watch::detach() noexcept {
  std::lock_guard lock(mutex_);
  op_ = nullptr;
}

void deadline_watch::expire() noexcept {
  std::lock_guard lock(mutex_);
  if (op_ != nullptr)
    op_->time_out();
}

} // namespace concurrent::futures::detail
