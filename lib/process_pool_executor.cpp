//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The pool's side of the process pool.
//
// Calls wait in `backlog_` (cancellable; the highest priority, then the
// oldest, goes first) until a worker has room: at most two calls per worker
// (one running, one waiting), which keeps what cannot be cancelled any more
// within Python's bound (`max_workers + 1` queued, one running per worker).
// A submitting
// thread writes into the worker's request ring itself, under the pool's
// mutex; one thread of the pool's own (the manager, an io_context) reads
// the result rings when the doorbell rings, completes the futures, refills
// the workers, starts and reaps processes. Process creation happens only on
// the manager thread: PR_SET_PDEATHSIG fires when the *thread* that created
// a child exits, and the manager lives as long as the pool.

#include <concurrent/futures/process_pool_executor.hpp>

#include "detail/executor/priority_lanes.hpp"
#include "detail/process/channel.hpp"
#include "detail/process/memfd.hpp"
#include "detail/process/worker.hpp"
#include "detail/sys/futex.hpp"
#include "detail/sys/spin.hpp"
#include "detail/wire/modules.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char** environ;

namespace asio = boost::asio;

namespace concurrent::futures {
namespace detail::process {
namespace {

// Counts the fork()s of this process in the child: a pool compares it with
// the count at its creation, so a copy of the pool in a forked child knows
// it is a copy (its workers, its thread and its fork server belong to the
// parent) without a getpid() per call.
std::atomic<unsigned> fork_generation{0};

void count_fork_in_child() noexcept {
  fork_generation.fetch_add(1, std::memory_order_relaxed);
}

int threads_in_process() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("Threads:", 0) == 0)
      return std::atoi(line.c_str() + 8);
  return 1;
}

std::string describe_status(int pid, bool signaled, int code) {
  std::string s = "worker pid " + std::to_string(pid);
  if (signaled) {
    char const* abbrev = ::sigabbrev_np(code);
    s += " was killed by signal " + std::to_string(code);
    if (abbrev)
      s += std::string(", SIG") + abbrev;
  } else {
    s += " exited with status " + std::to_string(code);
    if (code == exit_initializer_failed)
      s += " (its initializer failed)";
    else if (code == exit_setup_failed)
      s += " (it could not set up)";
    else if (code == exit_channel_corrupt)
      s += " (it found the memory it shares with the pool overwritten by a task; its "
           "stderr says what)";
  }
  return s;
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// Why a pool broke: what its pending futures fail with, and what a later
// submit throws; both carry the worker's pid and its signal or status.
struct breakage {
  std::string future_text;
  std::string submit_text;
  int pid = 0;
  int signal = 0;
  int status = -1;

  // A worker died, or could not start (Python's words).
  static breakage abrupt(std::string const& why, int pid, int sig, int status) {
    return {"A process in the process pool was terminated abruptly while the future "
            "was running or pending (" +
                why + ")",
            "A child process terminated abruptly, the process pool is not usable "
            "anymore (" +
                why + ")",
            pid, sig, status};
  }

  // A worker's shared memory held what the worker's own code never writes.
  static breakage corrupted(int pid, char const* where, std::string const& fault) {
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

  std::exception_ptr future_error() const {
    return std::make_exception_ptr(broken_process_pool(future_text, pid, signal, status));
  }
};

// Starts /proc/self/exe to play a role (role.cpp reads `value` from the
// environment and checks it against `fds`), with `fds` open in it, named
// `title` in ps; the pid, or -errno.
pid_t spawn_self(char const* title, std::string const& value,
                 std::initializer_list<int> fds) {
  std::string const variable = std::string(role_variable) + "=" + value;
  std::vector<char*> env;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, role_variable, sizeof role_variable - 1) != 0)
      env.push_back(*e);
  env.push_back(const_cast<char*>(variable.c_str()));
  env.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  ::posix_spawn_file_actions_init(&fa);
  // dup2 onto itself clears FD_CLOEXEC in the child only (glibc >= 2.29).
  for (int fd : fds)
    ::posix_spawn_file_actions_adddup2(&fa, fd, fd);
  std::string arg0 = role_title(title);
  char* argv[] = {arg0.data(), nullptr};
  pid_t pid = -1;
  int const rc = ::posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv, env.data());
  ::posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : -rc;
}

// The pool's lock: held for well under a microsecond (queue and ring
// bookkeeping; never a user callback; a syscall only when a worker starts
// or the pool breaks), by submitting threads and the pool's thread up to
// a million times a second each. std::mutex parks a thread in the
// kernel on contention, which then costs more than the critical section
// (measured: submit 1.5 us per call on 16 cores with std::mutex).
class spin_mutex {
public:
  void lock() noexcept {
    for (unsigned spins = 0;;) {
      if (!locked_.exchange(true, std::memory_order_acquire))
        return;
      while (locked_.load(std::memory_order_relaxed))
        spin_pause(spins);
    }
  }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { locked_.store(false, std::memory_order_release); }

private:
  std::atomic<bool> locked_{false};
};

// A call's message is kept inline when small (most are a few dozen bytes:
// the trampoline, a function pointer, a few numbers), so a submit does not
// allocate for it. A queued call is 64 bytes, one cache line: a burst of a
// million submits queues them all, and on a VM the first touch of each new
// page of that backlog costs more than the copy (136-byte entries with a
// 96-byte buffer and a std::vector made 40% more page faults).
class message_buffer {
public:
  static constexpr std::size_t inline_capacity = 48;

  explicit message_buffer(std::span<std::byte const> m)
      : size_(static_cast<std::uint32_t>(m.size())) {
    if (m.size() > std::numeric_limits<std::uint32_t>::max())
      throw std::length_error("process_pool_executor: a call's message is over 4 GiB");
    if (size_ <= inline_capacity) {
      std::memcpy(inline_, m.data(), size_);
    } else {
      heap_ = new std::byte[size_];
      std::memcpy(heap_, m.data(), size_);
    }
  }
  message_buffer(message_buffer&& o) noexcept : size_(o.size_) {
    if (size_ <= inline_capacity) {
      std::memcpy(inline_, o.inline_, size_);
    } else {
      heap_ = o.heap_;
      o.size_ = 0;
    }
  }
  message_buffer& operator=(message_buffer&& o) noexcept {
    if (this != &o) {
      this->~message_buffer();
      ::new (static_cast<void*>(this)) message_buffer(std::move(o));
    }
    return *this;
  }
  ~message_buffer() {
    if (size_ > inline_capacity)
      delete[] heap_;
  }

  std::span<std::byte const> bytes() const noexcept {
    return {size_ <= inline_capacity ? inline_ : heap_, size_};
  }

private:
  std::uint32_t size_;
  union {
    std::byte inline_[inline_capacity];
    std::byte* heap_;
  };
};

struct pending_call {
  task_node* task;
  message_buffer message;
};
static_assert(sizeof(pending_call) == 64);

// The calls not handed to a worker yet, in the order they go.
class call_backlog {
public:
  bool empty() const noexcept { return lanes_.empty(); }

  // Strong guarantee: a throw leaves the backlog as it was.
  void push(task_node& task, std::span<std::byte const> message) {
    auto& lane = lanes_.lane(task.priority);
    try {
      lane.push_back({&task, message_buffer(message)});
    } catch (...) {
      lanes_.drop_if_empty(task.priority);
      throw;
    }
  }

  // Not empty.
  pending_call pop() {
    return lanes_.take_front([](std::deque<pending_call>& lane) {
      pending_call call = std::move(lane.front());
      lane.pop_front();
      return call;
    });
  }

  // Moves every call's task to `out`, in the order they would have gone;
  // a throw (no room in `out`) leaves the backlog as it was.
  void take_all(std::vector<task_node*>& out) {
    std::size_t count = 0;
    lanes_.for_each([&count](auto const& lane) { count += lane.size(); });
    out.reserve(out.size() + count);
    lanes_.for_each([&out](auto const& lane) {
      for (auto const& c : lane)
        out.push_back(c.task);
    });
    lanes_.clear();
  }

private:
  priority_lanes<std::deque<pending_call>> lanes_;
};

struct worker_slot {
  std::uint32_t id = 0;
  pid_t pid = 0;
  int memfd = -1;
  role_secret secret{}; // also in the channel: what a spawned worker checks
  channel chan;
  std::deque<task_node*> inflight; // handed over, reply awaited, in order
  std::vector<std::byte> outbox;   // the rest of a message the ring had no room for
  std::size_t outbox_offset = 0;
  std::uint64_t outbox_id = 0;
  bool outbox_pending = false;
  // A message split over records, and the kind and call of its records.
  std::vector<std::byte> reassembly;
  record_kind chain_kind = record_kind::padding;
  std::uint64_t chain_id = 0;
  // Calls handed over; a call's number (its records' id) is `sent` after it
  // was counted. Replies come back in that order: the next is `answered + 1`.
  std::uint64_t sent = 0;
  std::uint64_t answered = 0; // manager thread writes, under the lock
  bool hello_seen = false;    // manager thread
  // Its memory is not read any more. Set under the lock by whichever thread
  // found the damage; read by the pool's thread without it.
  std::atomic<bool> poisoned{false};
  bool launched = false;
  bool stop_sent = false;
  bool retiring = false;
  bool exited = false;
  std::unique_ptr<asio::posix::stream_descriptor> pidfd;
};

} // namespace

class pool_core {
public:
  explicit pool_core(process_pool_options const& options);
  ~pool_core();

  void submit(task_node& task, std::span<std::byte const> message);
  void shutdown(bool wait, bool cancel_futures);
  void signal_workers(int sig);
  std::vector<int> worker_pids() const;

  int max_workers() const noexcept { return max_workers_; }
  start_method method() const noexcept { return method_; }

  /// True in a child forked from the process that made this pool: nothing
  /// of the pool is this process' to use or to end.
  bool forked_copy() const noexcept {
    return fork_generation.load(std::memory_order_relaxed) != generation_;
  }

private:
  using slot_ptr = std::shared_ptr<worker_slot>;

  // --- any thread, under mutex_ ---
  slot_ptr new_slot_locked();
  void dispatch_locked(std::vector<slot_ptr>& wake, std::vector<task_node*>& fail);
  slot_ptr pick_locked();
  bool has_idle_locked() const;
  void break_locked(breakage const& why, std::vector<task_node*>& fail);
  void corrupted_locked(worker_slot& s, char const* where, std::string const& fault,
                        std::vector<task_node*>& fail);
  std::string check_reply_locked(worker_slot const& s, record_header const& h,
                                 std::span<std::byte const> message) const;
  void start_manager_locked();

  // --- manager thread ---
  void launch(slot_ptr const& slot);
  void start_forkserver();
  void watch_forkserver();
  void on_forkserver_readable();
  void watch_pidfd(slot_ptr const& slot);
  void watch_doorbell();
  void process_results();
  // Reads a worker's replies; with `wake_list`, refills workers as it goes.
  bool drain(worker_slot& slot, std::vector<slot_ptr>* wake_list = nullptr);
  // Breaks the pool for what `slot` wrote; the manager thread, unlocked.
  void report_corruption(worker_slot& slot, char const* where, std::string const& fault);
  static void wake_writer(channel_header& h) noexcept;
  void on_exit(slot_ptr const& slot, bool signaled, int code);
  void maybe_finish();

  static void wake(std::vector<slot_ptr> const& slots) noexcept;
  static void fail(std::vector<task_node*> const& tasks,
                   std::exception_ptr const& e) noexcept;

  int const max_workers_;
  std::optional<int> const max_tasks_;
  start_method const method_;
  unsigned const generation_ = fork_generation.load(std::memory_order_relaxed);
  std::vector<std::byte> setup_; // setup_header + module table + initializer

  mutable spin_mutex mutex_;
  call_backlog backlog_;
  std::vector<slot_ptr> slots_;
  // Bumped when slots_ changes: the manager re-reads its copy then.
  std::atomic<std::uint64_t> slots_version_{0};
  std::uint64_t seen_version_ = 0; // manager thread only
  std::uint32_t next_id_ = 0;
  bool shutdown_ = false;
  std::exception_ptr broken_future_; // what pending futures fail with
  breakage broken_;                  // why, for what submit throws
  bool finished_ = false;
  bool manager_started_ = false;

  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::thread manager_;
  std::mutex join_mutex_;
  std::atomic<std::thread::id> manager_id_{};
  int doorbell_fd_ = -1;
  std::unique_ptr<asio::posix::stream_descriptor> doorbell_;
  int forkserver_fd_ = -1;
  pid_t forkserver_pid_ = 0;
  std::unique_ptr<asio::posix::stream_descriptor> forkserver_;
};

pool_core::pool_core(process_pool_options const& options)
    : max_workers_(options.max_workers ? *options.max_workers : usable_cpus()),
      max_tasks_(options.max_tasks_per_child), method_(options.start_method) {
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
  if (method_ == start_method::fork) {
    int const n = threads_in_process();
    if (n > 1)
      throw std::logic_error(
          "start_method::fork: this program runs " + std::to_string(n) +
          " threads; a forked worker could deadlock on a lock one of them holds. Use "
          "start_method::forkserver (the default) or start_method::spawn, or create the "
          "pool "
          "before starting threads");
  }

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
}

pool_core::~pool_core() {
  shutdown(true, false);
  std::lock_guard lock(join_mutex_);
  if (manager_.joinable())
    manager_.join();
  close_fd(doorbell_fd_);
  close_fd(forkserver_fd_);
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

pool_core::slot_ptr pool_core::pick_locked() {
  slot_ptr best;
  for (auto const& s : slots_) {
    if (s->stop_sent || s->retiring || s->exited || s->outbox_pending || s->poisoned ||
        s->inflight.size() >= 2 ||
        (max_tasks_ && s->sent >= static_cast<unsigned>(*max_tasks_)))
      continue;
    if (!best || s->inflight.size() < best->inflight.size())
      best = s;
  }
  return best;
}

void pool_core::dispatch_locked(std::vector<slot_ptr>& wake,
                                std::vector<task_node*>& fail_list) {
  auto woken = [&wake](slot_ptr const& s) {
    if (std::find(wake.begin(), wake.end(), s) == wake.end())
      wake.push_back(s);
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
      woken(s);
    }
  }
  while (!backlog_.empty()) {
    slot_ptr const s = pick_locked();
    if (!s)
      break;
    pending_call c = backlog_.pop();
    if (!c.task->start_remote())
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
    woken(s);
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
        woken(s);
      }
    }
  }
}

void pool_core::wake(std::vector<slot_ptr> const& slots) noexcept {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  for (auto const& s : slots) {
    auto& h = s->chan.header();
    if (h.worker_sleeping.load(std::memory_order_relaxed) != 0) {
      h.request_signal.fetch_add(1, std::memory_order_release);
      futex_wake_all(h.request_signal, futex_scope::across_processes);
    }
  }
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

// ------------------------------------------------------------ manager thread

void pool_core::watch_doorbell() {
  doorbell_->async_wait(asio::posix::stream_descriptor::wait_read,
                        [this](boost::system::error_code ec) {
                          if (ec)
                            return;
                          std::uint64_t n;
                          while (::read(doorbell_fd_, &n, sizeof n) > 0) {
                          }
                          process_results();
                          if (!finished_)
                            watch_doorbell();
                        });
}

void pool_core::process_results() {
  std::vector<slot_ptr> slots;
  std::vector<slot_ptr> wake_list;
  std::vector<task_node*> failed;
  for (;;) {
    if (slots_version_.load(std::memory_order_acquire) != seen_version_ ||
        slots.empty()) {
      std::lock_guard lock(mutex_);
      slots = slots_;
      seen_version_ = slots_version_.load(std::memory_order_relaxed);
    }
    bool progress = false;
    wake_list.clear();
    for (auto const& s : slots)
      progress = drain(*s, &wake_list) || progress;
    wake(wake_list);
    if (progress)
      continue;
    bool inflight = false;
    wake_list.clear();
    std::exception_ptr broke;
    {
      std::lock_guard lock(mutex_);
      dispatch_locked(wake_list, failed);
      for (auto const& s : slots_)
        inflight = inflight || !s->inflight.empty();
      if (!failed.empty())
        broke = broken_future_;
    }
    wake(wake_list);
    fail(failed, broke);
    failed.clear();
    // Poll a little before sleeping: a reply due in microseconds then costs
    // no doorbell (a VM's wake-up takes several). A poisoned worker's ring is
    // not looked at: whatever it holds is not a reply.
    auto any_result = [&slots] {
      for (auto const& s : slots)
        if (!s->poisoned && !s->chan.results().empty())
          return true;
      return false;
    };
    if (inflight && poll_for(any_result, std::chrono::microseconds(30)))
      continue;
    for (auto const& s : slots)
      s->chan.header().parent_waiting.store(1, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!any_result())
      return;
  }
}

// After freeing room in a result ring: the worker may wait for it.
void pool_core::wake_writer(channel_header& h) noexcept {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (h.worker_waiting_space.load(std::memory_order_relaxed) != 0) {
    h.space_signal.fetch_add(1, std::memory_order_release);
    futex_wake_all(h.space_signal, futex_scope::across_processes);
  }
}

// What makes a whole reply message from `s` not the answer to its oldest
// outstanding call; empty if it is.
std::string pool_core::check_reply_locked(worker_slot const& s, record_header const& h,
                                          std::span<std::byte const> message) const {
  if (!s.hello_seen)
    return "a reply before the worker said hello";
  if (s.inflight.empty())
    return "a reply for call " + std::to_string(h.id) + ", but no call is outstanding";
  if (h.id != s.answered + 1)
    return "a reply for call " + std::to_string(h.id) + ", but call " +
           std::to_string(s.answered + 1) + " is the one outstanding";
  if (message.empty())
    return "an empty reply for call " + std::to_string(h.id);
  auto const status = std::to_integer<unsigned>(message[0]);
  if (status != static_cast<unsigned>(reply_status::value) &&
      status != static_cast<unsigned>(reply_status::exception))
    return "a reply for call " + std::to_string(h.id) + " with status byte " +
           std::to_string(status) + ", neither a value nor an exception";
  if ((h.flags & record_retiring) != 0 &&
      !(max_tasks_ && s.answered + 1 == static_cast<std::uint64_t>(*max_tasks_)))
    return "a reply for call " + std::to_string(h.id) +
           " that says the worker retires, which max_tasks_per_child does not allow";
  return {};
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

bool pool_core::drain(worker_slot& s, std::vector<slot_ptr>* wake_list) {
  if (s.poisoned)
    return false;
  auto& r = s.chan.results();
  auto& h = s.chan.header();
  bool progress = false;
  using read_result = ring::read_result;
  // The common case first: whole replies, matched to their calls and the
  // worker refilled under one lock (not one per reply: submitting threads
  // take the same lock).
  if (wake_list && s.reassembly.empty() && s.hello_seen) {
    constexpr int batch_max = 16;
    ring::view batch[batch_max];
    int n = 0;
    read_result rr = read_result::empty;
    for (std::uint64_t pos = r.tail(); n < batch_max; pos = batch[n++].next) {
      rr = r.read_at(pos, batch[n]);
      if (rr != read_result::record || batch[n].header.kind != record_kind::reply ||
          (batch[n].header.flags & record_more) != 0)
        break;
    }
    if (rr == read_result::corrupt && n == 0) {
      report_corruption(s, "result ring", r.fault());
      return true;
    }
    if (n > 0) {
      task_node* tasks[batch_max] = {};
      std::string fault;
      int good = 0;
      std::vector<task_node*> failed;
      std::exception_ptr broke;
      {
        std::lock_guard lock(mutex_);
        for (; good < n; ++good) {
          fault = check_reply_locked(s, batch[good].header, batch[good].payload);
          if (!fault.empty())
            break;
          tasks[good] = s.inflight.front();
          s.inflight.pop_front();
          ++s.answered;
          if (batch[good].header.flags & record_retiring)
            s.retiring = true;
        }
        if (!fault.empty())
          corrupted_locked(s, "result ring", fault, failed);
        else
          dispatch_locked(*wake_list, failed);
        if (!failed.empty())
          broke = broken_future_;
      }
      for (int i = 0; i < good; ++i)
        tasks[i]->complete_remote(batch[i].payload, s.pid);
      if (good > 0 && fault.empty()) {
        r.consume(batch[good - 1]);
        wake_writer(h);
      }
      fail(failed, broke);
      return true;
    }
  }
  for (int n = 0; n < 256; ++n) {
    ring::view v;
    auto const rr = r.peek(v);
    if (rr == read_result::empty)
      break;
    progress = true;
    if (rr == read_result::corrupt) {
      report_corruption(s, "result ring", r.fault());
      return true;
    }
    auto const& vh = v.header;
    if (vh.kind != record_kind::hello && vh.kind != record_kind::reply) {
      report_corruption(s, "result ring",
                        "a record of kind " +
                            std::to_string(static_cast<unsigned>(vh.kind)) +
                            ", which only the pool writes");
      return true;
    }
    if (!s.reassembly.empty() && (vh.kind != s.chain_kind || vh.id != s.chain_id)) {
      report_corruption(s, "result ring",
                        "a record of call " + std::to_string(vh.id) +
                            " inside the message of call " + std::to_string(s.chain_id));
      return true;
    }
    std::span<std::byte const> message = v.payload;
    if (vh.flags & record_more) {
      s.chain_kind = vh.kind;
      s.chain_id = vh.id;
      s.reassembly.insert(s.reassembly.end(), v.payload.begin(), v.payload.end());
      r.consume(v);
      wake_writer(h);
      continue;
    }
    if (!s.reassembly.empty()) {
      s.reassembly.insert(s.reassembly.end(), v.payload.begin(), v.payload.end());
      message = s.reassembly;
    }
    if (vh.kind == record_kind::hello) {
      if (s.hello_seen || vh.id != 0 || vh.flags != 0) {
        report_corruption(s, "result ring", "a second hello, or one with a call number");
        return true;
      }
      s.hello_seen = true;
      std::string error;
      try {
        codec_reader in(message);
        auto const pid = in.read<std::int32_t>();
        error = in.read<std::string>();
        if (error.empty() && s.pid > 0 && pid != s.pid)
          error = "its hello names pid " + std::to_string(pid);
      } catch (std::exception const& e) {
        error = std::string("its hello is unreadable: ") + e.what();
      }
      if (!error.empty()) {
        std::vector<task_node*> tasks;
        std::exception_ptr e;
        {
          std::lock_guard lock(mutex_);
          std::string const why = "worker pid " + std::to_string(s.pid) + ": " + error;
          break_locked(breakage::abrupt(why, s.pid, 0, -1), tasks);
          e = broken_future_;
        }
        fail(tasks, e);
      }
    } else {
      task_node* task = nullptr;
      std::string fault;
      {
        std::lock_guard lock(mutex_);
        fault = check_reply_locked(s, vh, message);
        if (fault.empty()) {
          task = s.inflight.front();
          s.inflight.pop_front();
          ++s.answered;
          if (vh.flags & record_retiring)
            s.retiring = true;
        }
      }
      if (!fault.empty()) {
        report_corruption(s, "result ring", fault);
        return true;
      }
      task->complete_remote(message, s.pid);
    }
    s.reassembly.clear();
    r.consume(v);
    wake_writer(h);
  }
  return progress;
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

void pool_core::launch(slot_ptr const& slot) {
  if (slot->launched)
    return;
  slot->launched = true;
  if (method_ == start_method::forkserver) {
    if (forkserver_fd_ < 0)
      start_forkserver();
    forkserver_message m{forkserver_message::spawn_request, slot->id, 0, 0, {}};
    char control[CMSG_SPACE(2 * sizeof(int))] = {};
    iovec iov{&m, sizeof m};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    int const fds[2] = {slot->memfd, doorbell_fd_};
    std::memcpy(CMSG_DATA(c), fds, sizeof fds);
    ssize_t n;
    do
      n = ::sendmsg(forkserver_fd_, &msg, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    close_fd(slot->memfd);
    if (n < 0)
      on_exit(slot, false, 127);
    return;
  }
  pid_t pid = -1;
  if (method_ == start_method::fork) {
    pid = ::fork();
    if (pid == 0) {
      // The program's own argv stays: only the comm says what this is.
      name_this_process("cf-worker", {});
      worker_main(slot->memfd, doorbell_fd_, ::getppid(), {});
    }
  } else {
    pid = spawn_self("worker",
                     "worker " + std::to_string(slot->memfd) + " " +
                         std::to_string(doorbell_fd_) + " " + std::to_string(::getpid()) +
                         " " + to_hex(slot->secret),
                     {slot->memfd, doorbell_fd_});
  }
  close_fd(slot->memfd);
  if (pid < 0) {
    on_exit(slot, false, 127);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    slot->pid = pid;
  }
  watch_pidfd(slot);
}

void pool_core::watch_pidfd(slot_ptr const& slot) {
  int const fd = static_cast<int>(::syscall(SYS_pidfd_open, slot->pid, 0));
  if (fd < 0)
    throw std::system_error(errno, std::system_category(), "pidfd_open");
  slot->pidfd = std::make_unique<asio::posix::stream_descriptor>(io_, fd);
  slot->pidfd->async_wait(
      asio::posix::stream_descriptor::wait_read,
      [this, slot](boost::system::error_code ec) {
        if (ec)
          return;
        siginfo_t info{};
        ::waitid(static_cast<idtype_t>(P_PIDFD),
                 static_cast<id_t>(slot->pidfd->native_handle()), &info, WEXITED);
        slot->pidfd.reset();
        bool const signaled = info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED;
        on_exit(slot, signaled, info.si_status);
      });
}

void pool_core::start_forkserver() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    throw std::system_error(errno, std::system_category(), "socketpair");
  role_secret const secret = make_role_secret();
  pid_t const pid = spawn_self("fork server",
                               "forkserver " + std::to_string(sv[1]) + " " +
                                   std::to_string(::getpid()) + " " + to_hex(secret),
                               {sv[1]});
  int const rc = pid < 0 ? -pid : 0;
  ::close(sv[1]);
  if (rc != 0) {
    ::close(sv[0]);
    throw std::system_error(rc, std::system_category(), "posix_spawn(fork server)");
  }
  // What proves to the new process that this pool started it (role.cpp).
  forkserver_message const auth{forkserver_message::authenticate, 0, 0, 0, secret};
  while (::send(sv[0], &auth, sizeof auth, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
  forkserver_fd_ = sv[0];
  forkserver_pid_ = pid;
  forkserver_ =
      std::make_unique<asio::posix::stream_descriptor>(io_, ::dup(forkserver_fd_));
  watch_forkserver();
}

void pool_core::watch_forkserver() {
  forkserver_->async_wait(asio::posix::stream_descriptor::wait_read,
                          [this](boost::system::error_code ec) {
                            if (!ec)
                              on_forkserver_readable();
                          });
}

void pool_core::on_forkserver_readable() {
  for (;;) {
    forkserver_message m{};
    ssize_t const n = ::recv(forkserver_fd_, &m, sizeof m, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      watch_forkserver();
      return;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      // The fork server is gone: its workers died with it.
      std::vector<task_node*> tasks;
      std::exception_ptr e;
      std::vector<slot_ptr> slots;
      {
        std::lock_guard lock(mutex_);
        if (!finished_) {
          break_locked(breakage::abrupt("the fork server exited", forkserver_pid_, 0, -1),
                       tasks);
          e = broken_future_;
        }
        slots = slots_;
      }
      fail(tasks, e);
      for (auto const& s : slots)
        if (!s->exited)
          on_exit(s, true, SIGKILL);
      return;
    }
    if (n != sizeof m)
      continue;
    slot_ptr slot;
    {
      std::lock_guard lock(mutex_);
      for (auto const& s : slots_)
        if ((m.kind == forkserver_message::spawned && s->id == m.worker) ||
            (m.kind == forkserver_message::exited && s->pid == m.pid))
          slot = s;
      if (slot && m.kind == forkserver_message::spawned && m.pid > 0)
        slot->pid = m.pid;
    }
    if (!slot)
      continue;
    if (m.kind == forkserver_message::spawned && m.pid <= 0)
      on_exit(slot, false, 127);
    else if (m.kind == forkserver_message::exited)
      on_exit(slot, WIFSIGNALED(m.status),
              WIFSIGNALED(m.status) ? WTERMSIG(m.status) : WEXITSTATUS(m.status));
  }
}

void pool_core::on_exit(slot_ptr const& slot, bool signaled, int code) {
  if (slot->exited)
    return;
  drain(*slot); // replies published before it died are good
  std::vector<task_node*> tasks;
  std::exception_ptr e;
  std::vector<slot_ptr> wake_list;
  {
    std::lock_guard lock(mutex_);
    slot->exited = true;
    std::erase(slots_, slot);
    slots_version_.fetch_add(1, std::memory_order_release);
    bool const expected = (slot->stop_sent || slot->retiring) && slot->inflight.empty() &&
                          !slot->outbox_pending && !signaled && code == 0;
    if (!expected && !broken_future_) {
      std::string const why = slot->pid > 0 ? describe_status(slot->pid, signaled, code)
                                            : "a worker process could not be started";
      break_locked(
          breakage::abrupt(why, slot->pid, signaled ? code : 0, signaled ? -1 : code),
          tasks);
    } else if (!broken_future_ && !backlog_.empty() &&
               static_cast<int>(slots_.size()) < max_workers_) {
      // max_tasks_per_child: a fresh worker takes the retired one's place.
      auto fresh = new_slot_locked();
      asio::post(io_, [this, fresh] { launch(fresh); });
    }
    tasks.insert(tasks.end(), slot->inflight.begin(), slot->inflight.end());
    slot->inflight.clear();
    dispatch_locked(wake_list, tasks);
    e = broken_future_;
  }
  wake(wake_list);
  fail(tasks, e);
  maybe_finish();
}

void pool_core::maybe_finish() {
  {
    std::lock_guard lock(mutex_);
    if (finished_ || !shutdown_ || !backlog_.empty() || !slots_.empty())
      return;
    finished_ = true;
  }
  // No worker is left: let the fork server go, reap it, and end the thread.
  // It is told to go: a child the program forked may hold a copy of the
  // socket, so the socket's end may never come.
  if (forkserver_) {
    forkserver_->cancel();
    forkserver_.reset();
  }
  if (forkserver_fd_ >= 0) {
    forkserver_message const bye{forkserver_message::shut_down, 0, 0, 0, {}};
    while (::send(forkserver_fd_, &bye, sizeof bye, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
  }
  close_fd(forkserver_fd_);
  if (forkserver_pid_ > 0) {
    ::waitpid(forkserver_pid_, nullptr, 0);
    forkserver_pid_ = 0;
  }
  doorbell_->cancel();
  work_.reset();
}

} // namespace detail::process

// ------------------------------------------------------------ public class

process_pool_executor::process_pool_executor(process_pool_options options)
    : core_(std::make_shared<detail::process::pool_core>(options)) {}

process_pool_executor::~process_pool_executor() {
  if (core_->forked_copy()) {
    // A copy in a forked child: the workers, the pool's thread and its locks
    // are the parent's. Ending them from here would stop the parent's pool
    // (the rings are shared memory) or wait for a thread that is not here.
    new std::shared_ptr<detail::process::pool_core>(
        std::move(core_)); // NOLINT: on purpose
  } else {
    shutdown(true, false);
  }
  boost::asio::execution_context::shutdown();
  boost::asio::execution_context::destroy();
}

void process_pool_executor::enqueue(detail::task_node& task) {
  // Encoded into a buffer the thread keeps, then copied inline into the
  // backlog: no allocation per call. A codec that submits from inside
  // encode gets a buffer of its own.
  thread_local std::vector<std::byte> scratch;
  thread_local bool scratch_busy = false;
  std::vector<std::byte> nested;
  bool const own = !scratch_busy;
  std::vector<std::byte>& message = own ? scratch : nested;
  struct release {
    bool own;
    std::vector<std::byte>& buffer;
    ~release() {
      if (!own)
        return;
      scratch_busy = false;
      if (buffer.capacity() > (std::size_t{1} << 20))
        std::vector<std::byte>().swap(buffer); // do not keep a huge one
    }
  } guard{own, message};
  scratch_busy = true;
  message.clear();
  try {
    task.encode_remote(message);
  } catch (detail::call_not_remotable const&) {
    throw;
  } catch (...) {
    // A codec failed: this future fails, the pool goes on (CPython's
    // _SafeQueue does the same for a pickling error).
    task.abandon(std::current_exception());
    return;
  }
  core_->submit(task, message);
}

void process_pool_executor::shutdown(bool wait, bool cancel_futures) {
  if (core_->forked_copy())
    return; // the parent's pool: see the destructor
  close_dependents(wait, cancel_futures);
  core_->shutdown(wait, cancel_futures);
}

void process_pool_executor::terminate_workers() {
  if (core_->forked_copy())
    core_->signal_workers(SIGTERM); // throws: not this process' workers
  close_dependents(false, true);
  core_->signal_workers(SIGTERM);
}

void process_pool_executor::kill_workers() {
  if (core_->forked_copy())
    core_->signal_workers(SIGKILL); // throws: not this process' workers
  close_dependents(false, true);
  core_->signal_workers(SIGKILL);
}

int process_pool_executor::max_workers() const noexcept {
  return core_->max_workers();
}

std::vector<int> process_pool_executor::worker_pids() const {
  return core_->worker_pids();
}

start_method process_pool_executor::start_method() const noexcept {
  return core_->method();
}

} // namespace concurrent::futures
