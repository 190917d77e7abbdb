//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include <concurrent/futures/thread_pool_executor.hpp>

#include "detail/sys/exception_text.hpp"
#include "detail/sys/futex.hpp"
#include "detail/sys/spin.hpp"
#include "detail/threads/thread_pool_core.hpp"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <system_error>

namespace concurrent::futures {

namespace detail {

namespace {

thread_local thread_pool_core const* current_core = nullptr;
std::atomic<unsigned> pools_created{0};

// How long an idle worker polls the queue before it parks: a task submitted
// within it starts without a futex wake-up (several microseconds on a VM).
// One worker at most spins at a time, so an idle pool burns one core for at
// most this long.
constexpr auto spin_for_work = std::chrono::microseconds(50);

void set_thread_name(std::string const& prefix, std::size_t index) {
  // Appends rather than `"_" + std::to_string(index)`, which g++ 12 -O3
  // misreads as an overlapping copy (-Wrestrict, GCC PR 105329).
  std::string suffix("_");
  suffix += std::to_string(index);
  // Linux keeps 15 bytes; keep the index, cut the prefix.
  constexpr std::size_t limit = 15;
  std::string name;
  if (prefix.size() + suffix.size() > limit) {
    name.assign(prefix, 0, limit > suffix.size() ? limit - suffix.size() : 0);
    name += suffix;
    name.resize(std::min(name.size(), limit));
  } else {
    name = prefix;
    name += suffix;
  }
  ::pthread_setname_np(::pthread_self(), name.c_str());
}

} // namespace

void report_handler_exception(std::exception_ptr e) noexcept {
  try {
    std::string const line =
        "exception escaped an Asio handler on a thread_pool_executor worker "
        "(the worker goes on): " +
        what_of(e) + "\n";
    std::fputs(line.c_str(), stderr);
  } catch (...) {
  }
}

thread_pool_core::thread_pool_core(thread_pool_options options, int max_workers)
    : options_(std::move(options)), max_workers_(max_workers) {
  if (options_.thread_name_prefix.empty())
    options_.thread_name_prefix =
        "ThreadPool-" + std::to_string(pools_created.fetch_add(1));
}

thread_pool_core::~thread_pool_core() {
  // Normally every worker was joined by the owner's shutdown(true). If the
  // last reference goes on a worker thread (the pool was destroyed by one
  // of its own tasks), that thread cannot join itself.
  for (auto& t : threads_) {
    if (!t.joinable())
      continue;
    if (t.get_id() == std::this_thread::get_id())
      t.detach();
    else
      t.join();
  }
}

bool thread_pool_core::running_in_this_thread() const noexcept {
  return current_core == this;
}

task_node* thread_pool_core::pop_locked() noexcept {
  if (queue_.empty())
    return nullptr;
  task_node* t = queue_.take_front([](task_fifo& lane) { return lane.pop(); });
  queued_.fetch_sub(1, std::memory_order_relaxed);
  return t;
}

thread_pool_core::push_outcome thread_pool_core::push_locked(task_node& task) {
  queue_.lane(task.priority).push(task);
  queued_.fetch_add(1, std::memory_order_relaxed);
  push_outcome out;
  // A parked worker is woken only when none is polling the queue.
  out.wake = !spinning_ && sleepers_ > notified_;
  if (out.wake)
    ++notified_;
  // After shutdown only Asio handlers arrive (submit throws); they run
  // while workers remain and are destroyed unrun once every worker has
  // left, as on a stopped asio::thread_pool.
  if (shutdown_ || saturated_.load(std::memory_order_relaxed))
    return out;
  long const in_flight = in_flight_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (static_cast<std::size_t>(in_flight) <= reserved_ ||
      reserved_ >= static_cast<std::size_t>(max_workers_))
    return out;
  ++live_;
  if (++reserved_ == static_cast<std::size_t>(max_workers_))
    saturated_.store(true, std::memory_order_relaxed);
  out.spawn = true;
  return out;
}

void thread_pool_core::after_push(push_outcome out) {
  if (out.wake)
    wake_one();
  if (out.spawn)
    start_thread();
}

void thread_pool_core::start_thread() {
  // Python's Thread.start() returns once the new thread runs, and under the
  // GIL that thread takes a queued call before the submitter goes on. Left
  // to race, a shutdown(cancel_futures) right after the submits could empty
  // the queue before any new thread took a call, cancelling every one of
  // them. Threads start only lazily, up to max_workers, so the wait is off
  // the steady path; it does not include the initializer, which runs after
  // the first task is taken.
  thread_start start;
  if (!spawn(&start))
    return;
  std::unique_lock lock(mutex_);
  first_taken_.wait(lock, [&start] { return start.taken; });
}

void thread_pool_core::throw_if_closed_locked() const {
  // Python checks for a broken pool first.
  if (broken_)
    throw broken_thread_pool(broken_reason_);
  if (shutdown_)
    throw std::runtime_error("cannot schedule new futures after shutdown");
}

void thread_pool_core::submit(task_node& task) {
  push_outcome out;
  {
    std::lock_guard lock(mutex_);
    throw_if_closed_locked();
    out = push_locked(task);
  }
  after_push(out);
}

void thread_pool_core::submit_all(std::span<task_node* const> tasks) {
  std::size_t queued = 0;
  std::size_t wakes = 0;
  std::size_t spawns = 0;
  std::exception_ptr failed;
  {
    std::lock_guard lock(mutex_);
    try {
      throw_if_closed_locked();
      for (; queued < tasks.size(); ++queued) {
        push_outcome const out = push_locked(*tasks[queued]);
        wakes += out.wake;
        spawns += out.spawn;
      }
    } catch (...) {
      failed = std::current_exception();
    }
  }
  // push_locked counted a wake only for a parked worker not yet notified,
  // so each wakes a distinct one.
  for (std::size_t i = 0; i < wakes; ++i)
    wake_one();
  for (std::size_t i = 0; i < spawns; ++i)
    start_thread();
  if (failed) {
    for (std::size_t i = queued; i < tasks.size(); ++i)
      tasks[i]->abandon(nullptr);
    std::rethrow_exception(failed);
  }
}

void thread_pool_core::post(task_node& task) noexcept {
  // A handler has priority 0, so its push cannot throw.
  push_outcome out;
  {
    std::lock_guard lock(mutex_);
    if (broken_) {
      out.dropped = true;
    } else {
      out = push_locked(task);
    }
  }
  if (out.dropped)
    task.abandon(nullptr);
  else
    after_push(out);
}

task_fifo thread_pool_core::take_all_locked() noexcept {
  task_fifo all;
  queue_.for_each([&all](task_fifo& lane) { all.append(lane); });
  queue_.clear();
  queued_.store(0, std::memory_order_relaxed);
  return all;
}

template <class Reason>
void thread_pool_core::abandon_all(task_node* chain, Reason reason) noexcept {
  while (chain != nullptr) {
    task_node* next = chain->next_task;
    chain->abandon(reason());
    chain = next;
  }
}

void thread_pool_core::wake_one() noexcept {
  wake_sequence_.fetch_add(1, std::memory_order_release);
  futex_wake(wake_sequence_, 1);
}

void thread_pool_core::wake_all() noexcept {
  wake_sequence_.fetch_add(1, std::memory_order_release);
  futex_wake_all(wake_sequence_);
}

bool thread_pool_core::spawn(thread_start* start) {
  std::exception_ptr failure;
  {
    std::lock_guard lock(threads_mutex_);
    std::size_t const index = created_;
    try {
      threads_.emplace_back(
          [self = shared_from_this(), index, start] { self->worker_main(index, start); });
      ++created_;
      started_.store(created_, std::memory_order_relaxed);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  if (failure) {
    // No thread: give the reservation back. If no worker is alive at all,
    // nothing would ever run the queue, so fail what is in it rather than
    // let it wait forever.
    task_node* orphans = nullptr;
    {
      std::lock_guard lock(mutex_);
      --reserved_;
      --live_;
      saturated_.store(false, std::memory_order_relaxed);
      if (live_ == 0)
        orphans = take_all_locked().head;
    }
    if (orphans != nullptr) {
      std::string const message =
          "could not start a worker thread: " + what_of(failure) +
          " (the system is out of threads or memory; retry later)";
      abandon_all(orphans,
                  [&] { return std::make_exception_ptr(std::runtime_error(message)); });
    }
  }
  notify_threads_changed();
  return !failure;
}

void thread_pool_core::notify_threads_changed() noexcept {
  // Through threads_mutex_, so a joiner between its check and its wait
  // cannot miss it.
  { std::lock_guard lock(threads_mutex_); }
  threads_changed_.notify_all();
}

void thread_pool_core::worker_exit() noexcept {
  current_core = nullptr;
  {
    std::lock_guard lock(mutex_);
    --live_;
  }
  notify_threads_changed();
}

void thread_pool_core::worker_main(std::size_t index, thread_start* start) {
  current_core = this;
  set_thread_name(options_.thread_name_prefix, index);
  // Python's worker runs its initializer before it takes a call, and
  // Thread.start() does not wait for the initializer: with one, the starter
  // is released before it and the calls stay queued (a shutdown with
  // cancel_futures cancels them, as in Python). Without one, the thread
  // takes its first call at once. The task is still pending: cancel()
  // still stops it.
  task_node* first = take_first_task(start, /*take=*/!options_.initializer);
  if (options_.initializer) {
    try {
      options_.initializer();
    } catch (...) {
      std::string const what = what_of(std::current_exception());
      std::string const line = "Exception in initializer: " + what + "\n";
      std::fputs(line.c_str(), stderr);
      break_pool(what, first);
      worker_exit();
      return;
    }
  }
  if (first != nullptr)
    first->run(*this);
  while (task_node* t = next_task())
    t->run(*this);
  worker_exit();
}

task_node* thread_pool_core::take_first_task(thread_start* start, bool take) noexcept {
  task_node* first;
  {
    std::lock_guard lock(mutex_);
    first = take ? pop_locked() : nullptr;
    if (start == nullptr)
      return first;
    // The starter's frame: not touched once the lock is released.
    start->taken = true;
  }
  first_taken_.notify_all();
  return first;
}

task_node* thread_pool_core::next_task() noexcept {
  std::unique_lock lock(mutex_);
  bool may_spin = true;
  for (;;) {
    if (task_node* t = pop_locked())
      return t;
    if (shutdown_ && outstanding_work_.load(std::memory_order_acquire) == 0)
      return nullptr;

    if (may_spin && !spinning_ && !stopping_.load(std::memory_order_relaxed)) {
      spinning_ = true;
      lock.unlock();
      poll_for(
          [this] {
            return queued_.load(std::memory_order_relaxed) != 0 ||
                   stopping_.load(std::memory_order_relaxed);
          },
          spin_for_work);
      lock.lock();
      spinning_ = false;
      may_spin = false;
      if (task_node* t = pop_locked()) {
        // The spinner took one task: if more wait and workers sleep, hand
        // the search on to one of them.
        bool const wake = !queue_.empty() && sleepers_ > notified_;
        if (wake)
          ++notified_;
        lock.unlock();
        if (wake)
          wake_one();
        return t;
      }
      continue;
    }

    ++sleepers_;
    std::uint32_t const seen = wake_sequence_.load(std::memory_order_acquire);
    lock.unlock();
    futex_wait(wake_sequence_, seen, static_cast<timespec const*>(nullptr));
    lock.lock();
    --sleepers_;
    if (notified_ > 0)
      --notified_;
    may_spin = true;
  }
}

void thread_pool_core::task_finishing() noexcept {
  if (!saturated_.load(std::memory_order_relaxed))
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
}

void thread_pool_core::work_finished() noexcept {
  if (outstanding_work_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    bool stop;
    {
      std::lock_guard lock(mutex_);
      stop = shutdown_;
    }
    if (stop)
      wake_all();
  }
}

void thread_pool_core::break_pool(std::string reason, task_node* held) noexcept {
  task_node* queued = nullptr;
  std::string message;
  try {
    message = "A thread initializer failed, the thread pool is not usable "
              "anymore (the initializer threw: " +
              reason + ")";
  } catch (...) {
  }
  {
    std::lock_guard lock(mutex_);
    broken_ = true;
    broken_reason_ = message;
    queued = take_all_locked().head;
  }
  // The held task would still be queued in Python, whose worker takes a
  // task only after its initializer: it fails first, as it would start first.
  if (held != nullptr) {
    held->next_task = queued;
    queued = held;
  }
  // One exception object per future, as CPython main does: a shared one
  // would be released by whichever thread drops the last future.
  abandon_all(queued,
              [&] { return std::make_exception_ptr(broken_thread_pool(message)); });
}

void thread_pool_core::shutdown(bool wait, bool cancel_futures) {
  task_fifo cancelled;
  bool spawn_thread = false;
  {
    std::lock_guard lock(mutex_);
    bool const first = !shutdown_;
    shutdown_ = true;
    stopping_.store(true, std::memory_order_relaxed);
    if (cancel_futures) {
      // Take out the submitted calls; Asio handlers stay (they may be
      // coroutines that must resume to release what they hold). What stays
      // goes to the priority-0 FIFO in the order it would have started,
      // which keeps that order without allocating a bucket.
      task_fifo all = take_all_locked();
      std::size_t kept = 0;
      while (!all.empty()) {
        task_node* t = all.pop();
        if (t->cancellable()) {
          cancelled.push(*t);
        } else {
          queue_.lane(0).push(*t);
          ++kept;
        }
      }
      queued_.store(kept, std::memory_order_relaxed);
    }
    // Queued handlers or tracked work and no thread alive at the shutdown:
    // start one, so the work can finish and shutdown(true) has someone to
    // wait for. (Later calls do not: handlers posted after every worker
    // left are destroyed unrun.)
    if (first && live_ == 0 &&
        (!queue_.empty() || outstanding_work_.load(std::memory_order_acquire) != 0)) {
      ++reserved_;
      ++live_;
      spawn_thread = true;
    }
  }
  // Python only cancel()s these; notifying them too lets wait() and
  // as_completed() return instead of hanging.
  abandon_all(cancelled.head, [] { return std::exception_ptr(); });
  wake_all();
  // Nobody submitted what this thread is for: no one waits for it to start.
  if (spawn_thread)
    spawn(nullptr);
  if (wait)
    join_workers();
}

void thread_pool_core::join_workers() {
  std::lock_guard serial(join_mutex_);
  auto const self = std::this_thread::get_id();
  for (;;) {
    std::vector<std::thread*> joinable;
    {
      std::unique_lock lock(threads_mutex_);
      // A submit that reserved a thread before the shutdown may still be
      // creating it.
      threads_changed_.wait(lock, [this] {
        std::lock_guard queue_lock(mutex_);
        return created_ == reserved_;
      });
      for (auto& t : threads_)
        if (t.joinable() && t.get_id() != self)
          joinable.push_back(&t);
    }
    if (joinable.empty())
      return;
    // Outside the lock: a handler posted meanwhile may need a new thread.
    for (auto* t : joinable)
      t->join();
  }
}

void thread_pool_core::abandon_queued() noexcept {
  task_node* queued;
  {
    std::lock_guard lock(mutex_);
    queued = take_all_locked().head;
  }
  abandon_all(queued, [] { return std::exception_ptr(); });
}

} // namespace detail

namespace {

int checked_max_workers(std::optional<int> requested) {
  if (!requested)
    return std::min(32, detail::usable_cpus() + 4);
  if (*requested <= 0)
    throw std::invalid_argument("max_workers must be greater than 0 (got " +
                                std::to_string(*requested) + ")");
  return *requested;
}

} // namespace

thread_pool_executor::thread_pool_executor(thread_pool_options options) {
  int const n = checked_max_workers(options.max_workers);
  core_ = std::make_shared<detail::thread_pool_core>(std::move(options), n);
}

thread_pool_executor::~thread_pool_executor() {
  shutdown(true, false);
  boost::asio::execution_context::shutdown();
  boost::asio::execution_context::destroy();
  core_->abandon_queued();
}

void thread_pool_executor::shutdown(bool wait, bool cancel_futures) {
  // A worker cannot wait for dependent tasks: one may wait for the very
  // task that calls this.
  close_dependents(wait && !core_->running_in_this_thread(), cancel_futures);
  core_->shutdown(wait, cancel_futures);
}

int thread_pool_executor::max_workers() const noexcept {
  return core_->max_workers();
}

std::size_t thread_pool_executor::thread_count() const noexcept {
  return core_->thread_count();
}

bool thread_pool_executor::running_in_this_thread() const noexcept {
  return core_->running_in_this_thread();
}

void thread_pool_executor::enqueue(detail::task_node& task) {
  core_->submit(task);
}

void thread_pool_executor::enqueue_all(std::span<detail::task_node* const> tasks) {
  core_->submit_all(tasks);
}

void thread_pool_executor::post_task(detail::task_node& task) noexcept {
  core_->post(task);
}

void thread_pool_executor::work_started() noexcept {
  core_->work_started();
}

void thread_pool_executor::work_finished() noexcept {
  core_->work_finished();
}

} // namespace concurrent::futures
