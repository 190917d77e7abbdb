//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The process pool's state under its lock, from any thread: construction,
// submitting, handing calls to workers, shutting down, breaking. The
// manager thread's part is in pool_manager.cpp; see pool_core.hpp.

#include "pool_core.hpp"

#include "memfd.hpp"
#include "spawn.hpp"
#include "worker.hpp"

#include "detail/sys/futex.hpp"
#include "detail/wire/modules.hpp"

#include <boost/asio/post.hpp>

#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <stdexcept>
#include <system_error>
#include <utility>

namespace asio = boost::asio;

namespace concurrent::futures::detail::process {

std::atomic<unsigned> fork_generation{0};

namespace {

void count_fork_in_child() noexcept {
  fork_generation.fetch_add(1, std::memory_order_relaxed);
}

} // namespace

breakage breakage::abrupt(std::string const& why, int pid, int sig, int status) {
  return {"A process in the process pool was terminated abruptly while the future "
          "was running or pending (" +
              why + ")",
          "A child process terminated abruptly, the process pool is not usable "
          "anymore (" +
              why + ")",
          pid, sig, status};
}

breakage breakage::corrupted(int pid, char const* where, std::string const& fault) {
  std::string const why =
      "worker pid " + std::to_string(pid) + " corrupted its " + where + ": " + fault;
  return {"The process pool is broken: a task wrote into the memory its worker "
          "shares with the pool, and the pool stopped trusting it (" +
              why +
              "). The futures pending on the pool fail; look for a stray pointer "
              "in the task",
          "A worker process corrupted the memory it shares with the pool, the "
          "process pool is not usable anymore (" +
              why + ")",
          pid, 0, -1};
}

std::exception_ptr breakage::future_error() const {
  return std::make_exception_ptr(broken_process_pool(future_text, pid, signal, status));
}

// What the pool's futures hold: it outlives the pool when they do, and then
// does nothing. `close` waits out a help in progress.
class pool_core::helper final : public wait_helper {
public:
  explicit helper(pool_core* pool) noexcept : pool_(pool) {}

  void help(shared_state_base const& state,
            deadline_type const& deadline) noexcept override {
    users_.fetch_add(1, std::memory_order_seq_cst);
    if (pool_core* p = pool_.load(std::memory_order_seq_cst))
      p->help_wait(state, deadline);
    users_.fetch_sub(1, std::memory_order_release);
  }

  void close() noexcept {
    pool_.store(nullptr, std::memory_order_seq_cst);
    while (users_.load(std::memory_order_seq_cst) != 0)
      std::this_thread::yield();
  }

private:
  std::atomic<pool_core*> pool_;
  std::atomic<int> users_{0};
};

void pool_core::close_fd(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

pool_core::pool_core(process_pool_options const& options)
    : max_workers_(options.max_workers ? *options.max_workers : usable_cpus()),
      max_tasks_(options.max_tasks_per_child), method_(options.start_method),
      helper_(new helper(this)) {
  struct unless_constructed {
    helper* h;
    ~unless_constructed() {
      if (h)
        h->release();
    }
  } guard{helper_};
  ensure_role_hook();
  static std::once_flag atfork;
  std::call_once(atfork, [] { ::pthread_atfork(nullptr, nullptr, count_fork_in_child); });
  if (max_workers_ <= 0)
    throw std::invalid_argument("max_workers must be greater than 0");
  if (max_tasks_ && *max_tasks_ <= 0)
    throw std::invalid_argument("max_tasks_per_child must be >= 1");
  if (max_tasks_ && method_ == start_method::fork)
    throw std::invalid_argument("max_tasks_per_child is incompatible with "
                                "start_method::fork (a replacement worker "
                                "would be forked from a program whose pool thread runs); "
                                "use forkserver or spawn");
  if (method_ == start_method::fork)
    check_fork_is_safe();

  auto const modules = encode_module_table();
  auto const& init = options.initializer.message();
  setup_header sh{static_cast<std::uint32_t>(modules.size()),
                  static_cast<std::uint32_t>(init.size()),
                  max_tasks_ ? static_cast<std::uint32_t>(*max_tasks_) : 0u};
  setup_.resize(sizeof sh);
  std::memcpy(setup_.data(), &sh, sizeof sh);
  setup_.insert(setup_.end(), modules.begin(), modules.end());
  setup_.insert(setup_.end(), init.begin(), init.end());

  doorbell_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (doorbell_fd_ < 0)
    throw std::system_error(errno, std::system_category(), "eventfd");
  doorbell_ = std::make_unique<asio::posix::stream_descriptor>(io_, ::dup(doorbell_fd_));

  if (method_ == start_method::fork) {
    // Python forks every worker up front with this method, before its
    // manager thread exists; so do we.
    std::vector<slot_ptr> slots;
    {
      std::lock_guard lock(mutex_);
      for (int i = 0; i < max_workers_; ++i)
        slots.push_back(new_slot_locked());
    }
    for (auto const& slot : slots)
      launch(slot);
    std::lock_guard lock(mutex_);
    start_manager_locked();
  }
  guard.h = nullptr;
}

pool_core::~pool_core() {
  shutdown(true, false);
  std::lock_guard lock(join_mutex_);
  if (manager_.joinable())
    manager_.join();
  helper_->close();
  helper_->release();
  close_fd(doorbell_fd_);
}

pool_core::slot_ptr pool_core::new_slot_locked() {
  auto slot = std::make_shared<worker_slot>();
  slot->id = next_id_++;
  std::size_t const size = channel::region_size(
      channel::default_ring_bytes, static_cast<std::uint32_t>(setup_.size()));
  slot->memfd = create_memfd("concurrent-futures-worker", size);
  slot->secret = make_role_secret();
  auto region = map_memfd(slot->memfd);
  auto* h = ::new (region.get_address()) channel_header();
  h->ring_bytes = channel::default_ring_bytes;
  h->setup_bytes = static_cast<std::uint32_t>(setup_.size());
  std::memcpy(h->secret, slot->secret.data(), slot->secret.size());
  std::memcpy(static_cast<std::byte*>(region.get_address()) + channel::setup_offset,
              setup_.data(), setup_.size());
  // The manager sleeps until a doorbell: the worker must ring from the start.
  h->parent_waiting.store(1, std::memory_order_relaxed);
  h->magic = channel_magic;
  slot->chan = channel(std::move(region));
  slots_.push_back(slot);
  slots_version_.fetch_add(1, std::memory_order_release);
  return slot;
}

void pool_core::start_manager_locked() {
  if (manager_started_)
    return;
  manager_started_ = true;
  work_.emplace(io_.get_executor());
  watch_doorbell();
  manager_ = std::thread([this] {
    manager_id_.store(std::this_thread::get_id());
    for (;;) {
      try {
        io_.run();
        break;
      } catch (std::exception const& e) {
        std::fprintf(stderr, "concurrent-futures process pool: %s\n", e.what());
      }
    }
  });
}

bool pool_core::has_idle_locked() const {
  for (auto const& s : slots_)
    if (s->inflight.empty() && !s->stop_sent && !s->retiring && !s->exited &&
        (!max_tasks_ || s->sent < static_cast<unsigned>(*max_tasks_)))
      return true;
  return false;
}

worker_slot* pool_core::pick_locked() const {
  worker_slot* best = nullptr;
  for (auto const& s : slots_) {
    if (s->stop_sent || s->retiring || s->exited || s->outbox_pending || s->poisoned ||
        s->inflight.size() >= 2 ||
        (max_tasks_ && s->sent >= static_cast<unsigned>(*max_tasks_)))
      continue;
    if (!best || s->inflight.size() < best->inflight.size())
      best = s.get();
  }
  return best;
}

void pool_core::dispatch_locked(std::vector<slot_ptr>& wake,
                                std::vector<task_node*>& fail_list) {
  // Only a worker that said it sleeps needs waking, and only those are
  // listed (a list of every slot written to cost two atomic reference
  // counts per call). Whether it sleeps is read once per dispatch, after
  // every write, behind one fence that pairs with the worker's own (see
  // channel.hpp); a fence and a slot_ptr copy per call cost 7-19% of the
  // throughput (bench/README.md).
  int written_to = 0;
  // On every way out (a broken ring, an exception): no worker written to
  // is left asleep, and no mark is left for the next dispatch.
  struct list_sleepers {
    std::vector<slot_ptr> const& slots;
    int const& written;
    std::vector<slot_ptr>& wake;
    ~list_sleepers() {
      if (written == 0)
        return;
      std::atomic_thread_fence(std::memory_order_seq_cst);
      for (auto const& s : slots) {
        if (!std::exchange(s->dispatched, false))
          continue;
        if (s->chan.header().worker_sleeping.load(std::memory_order_relaxed) == 0 ||
            std::find(wake.begin(), wake.end(), s) != wake.end())
          continue;
        try {
          wake.push_back(s);
        } catch (...) {
          wake_one(*s); // out of memory: now, under the lock, not never
        }
      }
    }
  } sleepers{slots_, written_to, wake};
  auto written = [&written_to](worker_slot& s) {
    if (!std::exchange(s.dispatched, true))
      ++written_to;
  };
  using write_result = ring::write_result;
  // Writes the rest of the slot's outbox; false once the pool broke.
  auto flush_outbox = [&](worker_slot& s) {
    auto const w = write_message(s.chan.requests(), record_kind::call, 0, s.outbox_id,
                                 s.outbox, s.outbox_offset);
    if (w == write_result::corrupt) {
      corrupted_locked(s, "request ring", s.chan.requests().fault(), fail_list);
      return false;
    }
    if (w == write_result::written) {
      s.outbox_pending = false;
      s.outbox.clear();
      s.outbox_offset = 0;
      s.chan.header().parent_wants_space.store(0, std::memory_order_relaxed);
    }
    return true;
  };
  for (auto const& s : slots_) {
    if (s->outbox_pending && !s->exited && !s->poisoned) {
      s->chan.header().parent_wants_space.store(1, std::memory_order_seq_cst);
      if (!flush_outbox(*s))
        return;
      written(*s);
    }
  }
  while (!backlog_.empty()) {
    worker_slot* const s = pick_locked();
    if (!s)
      break;
    pending_call c = backlog_.pop();
    if (!detail::start_remote(*c.task))
      continue; // cancelled while it waited
    s->inflight.push_back(c.task);
    std::uint64_t const id = ++s->sent;
    std::size_t offset = 0;
    auto const w = write_message(s->chan.requests(), record_kind::call, 0, id,
                                 c.message.bytes(), offset);
    if (w == write_result::corrupt) {
      corrupted_locked(*s, "request ring", s->chan.requests().fault(), fail_list);
      return;
    }
    if (w == write_result::full) {
      auto const bytes = c.message.bytes();
      s->outbox.assign(bytes.begin(), bytes.end());
      s->outbox_offset = offset;
      s->outbox_id = id;
      s->outbox_pending = true;
      s->chan.header().parent_wants_space.store(1, std::memory_order_seq_cst);
      // The worker may have made room before it saw the flag.
      if (!flush_outbox(*s))
        return;
    }
    written(*s);
  }
  if (shutdown_ && backlog_.empty()) {
    for (auto const& s : slots_) {
      if (s->stop_sent || s->retiring || s->exited || s->outbox_pending || s->poisoned)
        continue;
      auto const w = s->chan.requests().try_write(record_kind::stop, 0, 0, {});
      if (w == write_result::corrupt) {
        corrupted_locked(*s, "request ring", s->chan.requests().fault(), fail_list);
        return;
      }
      if (w == write_result::written) {
        s->stop_sent = true;
        written(*s);
      }
    }
  }
}

void pool_core::wake(std::vector<slot_ptr> const& slots) noexcept {
  if (slots.empty())
    return;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  for (auto const& s : slots)
    if (s->chan.header().worker_sleeping.load(std::memory_order_relaxed) != 0)
      wake_one(*s);
}

void pool_core::wake_one(worker_slot& s) noexcept {
  auto& h = s.chan.header();
  h.request_signal.fetch_add(1, std::memory_order_release);
  futex_wake_all(h.request_signal, futex_scope::across_processes);
}

void pool_core::fail(std::vector<task_node*> const& tasks,
                     std::exception_ptr const& e) noexcept {
  for (auto* t : tasks)
    t->abandon(e);
}

void pool_core::submit(task_node& task, std::span<std::byte const> message) {
  if (forked_copy())
    throw std::logic_error(
        "process_pool_executor: this process was forked from the one that created the "
        "pool; the pool's workers and thread belong to that process. Create a pool in "
        "this process instead");
  std::vector<slot_ptr> wake_list;
  std::vector<task_node*> failed;
  std::exception_ptr broke;
  task.remote->state(task).set_wait_helper(*helper_);
  {
    std::lock_guard lock(mutex_);
    if (broken_future_)
      throw broken_process_pool(broken_.submit_text, broken_.pid, broken_.signal,
                                broken_.status);
    if (shutdown_)
      throw std::runtime_error("cannot schedule new futures after shutdown");
    start_manager_locked();
    if (static_cast<int>(slots_.size()) < max_workers_ && method_ != start_method::fork &&
        !has_idle_locked()) {
      auto slot = new_slot_locked();
      asio::post(io_, [this, slot] { launch(slot); });
    }
    // A backlog that was not empty means every worker was full; the pool's
    // thread refills them as replies come, so the scan is saved here.
    bool const was_empty = backlog_.empty();
    backlog_.push(task, message);
    if (was_empty)
      dispatch_locked(wake_list, failed);
    if (!failed.empty())
      broke = broken_future_;
  }
  wake(wake_list);
  fail(failed, broke);
}

void pool_core::shutdown(bool wait, bool cancel_futures) {
  if (forked_copy())
    return; // the parent's pool: not this process' to stop
  std::vector<task_node*> cancelled;
  std::vector<task_node*> failed;
  std::exception_ptr broke;
  std::vector<slot_ptr> wake_list;
  bool started;
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
    if (cancel_futures)
      backlog_.take_all(cancelled);
    dispatch_locked(wake_list, failed);
    if (!failed.empty())
      broke = broken_future_;
    started = manager_started_;
  }
  wake(wake_list);
  fail(cancelled, nullptr);
  fail(failed, broke);
  if (!started)
    return;
  asio::post(io_, [this] { maybe_finish(); });
  if (wait && manager_id_.load() != std::this_thread::get_id()) {
    std::lock_guard lock(join_mutex_); // one joiner at a time
    if (manager_.joinable())
      manager_.join();
  }
}

void pool_core::signal_workers(int sig) {
  if (forked_copy())
    throw std::logic_error("process_pool_executor: this process was forked from the one "
                           "that created the pool; its workers are not this process' "
                           "to signal");
  std::vector<pid_t> pids;
  {
    std::lock_guard lock(mutex_);
    for (auto const& s : slots_)
      if (s->pid > 0 && !s->exited)
        pids.push_back(s->pid);
  }
  shutdown(false, true);
  for (pid_t p : pids)
    ::kill(p, sig);
}

std::vector<int> pool_core::worker_pids() const {
  if (forked_copy())
    return {};
  std::lock_guard lock(mutex_);
  std::vector<int> out;
  for (auto const& s : slots_)
    if (s->pid > 0 && !s->exited)
      out.push_back(s->pid);
  return out;
}

void pool_core::report_corruption(worker_slot& s, char const* where,
                                  std::string const& fault) {
  std::vector<task_node*> tasks;
  std::exception_ptr e;
  {
    std::lock_guard lock(mutex_);
    corrupted_locked(s, where, fault, tasks);
    e = broken_future_;
  }
  fail(tasks, e);
}

void pool_core::corrupted_locked(worker_slot& s, char const* where,
                                 std::string const& fault,
                                 std::vector<task_node*>& fail_list) {
  s.poisoned.store(true, std::memory_order_relaxed);
  break_locked(breakage::corrupted(s.pid, where, fault), fail_list);
}

void pool_core::break_locked(breakage const& why, std::vector<task_node*>& fail_list) {
  if (!broken_future_) {
    broken_ = why;
    broken_future_ = why.future_error();
  }
  shutdown_ = true;
  backlog_.take_all(fail_list);
  for (auto const& s : slots_) {
    fail_list.insert(fail_list.end(), s->inflight.begin(), s->inflight.end());
    s->inflight.clear();
    s->outbox_pending = false;
    // The others' queues may be in any state: end them, as Python does.
    if (s->pid > 0 && !s->exited)
      ::kill(s->pid, SIGKILL);
  }
}

void pool_core::maybe_finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_ || !shutdown_ || !backlog_.empty() || !slots_.empty())
      return;
    finished_ = true;
  }
  // No worker is left: let the fork server go, reap it, and end the thread.
  forkserver_.stop();
  doorbell_->cancel();
  work_.reset();
}

} // namespace concurrent::futures::detail::process
