//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_THREADS_THREAD_POOL_CORE_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_THREADS_THREAD_POOL_CORE_HPP

#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/thread_pool_executor.hpp>

#include "detail/executor/priority_lanes.hpp"
#include "detail/sys/spin.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace concurrent::futures::detail {

/// An intrusive FIFO of tasks, linked through `task_node::next_task`.
struct task_fifo {
  task_node* head = nullptr;
  task_node* tail = nullptr;

  bool empty() const noexcept { return head == nullptr; }
  void clear() noexcept { head = tail = nullptr; }

  void push(task_node& task) noexcept {
    task.next_task = nullptr;
    (tail ? tail->next_task : head) = &task;
    tail = &task;
  }

  task_node* pop() noexcept {
    task_node* t = head;
    head = t->next_task;
    if (head == nullptr)
      tail = nullptr;
    t->next_task = nullptr;
    return t;
  }

  /// Moves `other`'s tasks, in order, behind these.
  void append(task_fifo& other) noexcept {
    if (other.empty())
      return;
    (tail ? tail->next_task : head) = other.head;
    tail = other.tail;
    other = {};
  }
};

/// Everything a thread pool shares with its worker threads. Workers hold it
/// through a shared_ptr, so a pool destroyed from one of its own tasks stays
/// valid until that worker has left.
class thread_pool_core final : public task_observer,
                               public std::enable_shared_from_this<thread_pool_core> {
public:
  thread_pool_core(thread_pool_options options, int max_workers);
  ~thread_pool_core();

  /// A submitted call; throws if the pool is broken or shut down.
  void submit(task_node& task);
  /// Submitted calls, queued in order under one lock; takes every one over
  /// (those it cannot queue are abandoned) and throws as `submit`.
  void submit_all(std::span<task_node* const> tasks);
  /// An Asio handler; a broken pool drops it.
  void post(task_node& task) noexcept;

  void shutdown(bool wait, bool cancel_futures);
  /// Frees whatever is still queued (the owner is being destroyed).
  void abandon_queued() noexcept;

  void work_started() noexcept {
    outstanding_work_.fetch_add(1, std::memory_order_relaxed);
  }
  void work_finished() noexcept;

  bool running_in_this_thread() const noexcept;
  int max_workers() const noexcept { return max_workers_; }
  std::size_t thread_count() const noexcept {
    return started_.load(std::memory_order_relaxed);
  }

  void task_finishing() noexcept override;

private:
  // What a push decided under the lock, to act on after it.
  struct push_outcome {
    bool wake = false;    // wake a parked worker
    bool spawn = false;   // start a thread (reserved already)
    bool dropped = false; // a broken pool: abandon the task
  };
  // What submit and submit_all throw for a broken or shut-down pool.
  void throw_if_closed_locked() const;
  // Throws, having changed nothing, only when a new priority's lane cannot
  // be allocated.
  push_outcome push_locked(task_node& task);
  // A thread started for a queued item: set under mutex_ once the thread
  // has taken its first task (or found none), which its starter waits for.
  struct thread_start {
    bool taken = false;
  };
  void after_push(push_outcome out);
  task_node* pop_locked() noexcept;
  // Every queued task, in the order they would have started.
  task_fifo take_all_locked() noexcept;
  // Abandons every task of a chain, each with its own reason().
  template <class Reason>
  static void abandon_all(task_node* chain, Reason reason) noexcept;
  void wake_one() noexcept;
  void wake_all() noexcept;
  // Starts the thread reserved by a push and returns once it has taken its
  // first task.
  void start_thread();
  // False if no thread could be created (the reservation is given back).
  bool spawn(thread_start* start);
  void worker_main(std::size_t index, thread_start* start);
  // Pops the first task if `take`; releases the thread's starter either way.
  task_node* take_first_task(thread_start* start, bool take) noexcept;
  task_node* next_task() noexcept;
  // `held`, the breaking thread's first task, fails with the queued ones.
  void break_pool(std::string reason, task_node* held) noexcept;
  void join_workers();
  void worker_exit() noexcept;
  void notify_threads_changed() noexcept;

  thread_pool_options options_;
  int const max_workers_;

  // The queue and the parking lot, under mutex_: held for a few
  // instructions (never a task, a callback or a syscall), so a spin lock.
  // std::mutex cost 114 of the 778 instructions per no-op task (two
  // lock/unlock pairs, callgrind) where the spin lock costs a few.
  spin_mutex mutex_;
  priority_lanes<task_fifo> queue_;
  int sleepers_ = 0;
  int notified_ = 0;
  bool spinning_ = false;
  bool shutdown_ = false;
  bool broken_ = false;
  std::string broken_reason_;
  std::size_t reserved_ = 0; // threads decided on, maybe not created yet
  std::size_t live_ = 0;     // reserved and not yet exited

  // Read without the lock by a spinning worker.
  std::atomic<std::size_t> queued_{0};
  std::atomic<bool> stopping_{false};
  // Parked workers sleep on it; bumped for every wake-up.
  std::atomic<std::uint32_t> wake_sequence_{0};

  // Tasks submitted and not finished; while it exceeds the threads started,
  // a submit starts a thread (Python's idle-thread reuse). Not maintained
  // once every thread has started.
  std::atomic<long> in_flight_{0};
  std::atomic<bool> saturated_{false};
  std::atomic<std::size_t> started_{0};

  std::atomic<long> outstanding_work_{0};

  std::mutex threads_mutex_;
  std::condition_variable threads_changed_;
  // With mutex_ (see thread_start); kept here, off the queue's cache lines.
  std::condition_variable_any first_taken_;
  std::deque<std::thread> threads_; // stable references while joining
  std::size_t created_ = 0;
  std::mutex join_mutex_;
};

} // namespace concurrent::futures::detail

#endif
