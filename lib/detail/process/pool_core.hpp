//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_POOL_CORE_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_PROCESS_POOL_CORE_HPP

// The pool's side of the process pool.
//
// Calls wait in `backlog_` (cancellable; the highest priority, then the
// oldest, goes first) until a worker has room: at most two calls per worker
// (one running, one waiting), which keeps what cannot be cancelled any more
// within Python's bound (`max_workers + 1` queued, one running per worker).
// A submitting thread writes into the worker's request ring itself, under
// the pool's mutex. The result rings are read by whoever holds the drain
// lock: a thread blocked in one of the pool's futures (`help_wait`: it
// polls the rings, completes the futures nobody but blocked threads waits
// on, and refills the workers, so a reply reaches its waiter without a
// thread hop), or else the pool's own thread (the manager, an io_context),
// woken by the doorbell, which completes the rest, refills the workers,
// starts and reaps processes. Process
// creation happens only on the manager thread: PR_SET_PDEATHSIG fires when
// the *thread* that created a child exits, and the manager lives as long as
// the pool.
//
// pool_core.cpp holds what any thread does under the lock (submitting,
// handing calls to workers, shutting down, breaking); pool_manager.cpp what
// the manager thread does (replies, starting and reaping workers).

#include <concurrent/futures/detail/shared_state.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/process_pool_executor.hpp>

#include "channel.hpp"
#include "fork_server.hpp"
#include "role.hpp"

#include "detail/executor/call_backlog.hpp"
#include "detail/sys/spin.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace concurrent::futures::detail::process {

/// Counts the fork()s of this process in the child: a pool compares it with
/// the count at its creation, so a copy of the pool in a forked child knows
/// it is a copy (its workers, its thread and its fork server belong to the
/// parent) without a getpid() per call.
extern std::atomic<unsigned> fork_generation;

/// Why a pool broke: what its pending futures fail with, and what a later
/// submit throws; both carry the worker's pid and its signal or status.
struct breakage {
  std::string future_text;
  std::string submit_text;
  int pid = 0;
  int signal = 0;
  int status = -1;

  /// A worker died, or could not start (Python's words).
  static breakage abrupt(std::string const& why, int pid, int sig, int status);

  /// A worker's shared memory held what the worker's own code never writes.
  static breakage corrupted(int pid, char const* where, std::string const& fault);

  std::exception_ptr future_error() const;
};

/// One worker process, as the pool sees it.
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
  // A split hello; a split reply is decoded as it arrives (stream_reply).
  std::vector<std::byte> reassembly;
  record_kind chain_kind = record_kind::padding;
  std::uint64_t chain_id = 0;
  std::uint64_t chain_total = 0; // the message's size; 0: no message split
  // Calls handed over; a call's number (its records' id) is `sent` after it
  // was counted. Replies come back in that order: the next is `answered + 1`.
  std::uint64_t sent = 0;
  std::uint64_t answered = 0; // the drainer writes, under the lock
  bool hello_seen = false;    // the drainer
  pid_t hello_pid = 0;        // the drainer: the pid the hello gave
  // Its memory is not read any more. Set under the lock by whichever thread
  // found the damage; read by the pool's thread without it.
  std::atomic<bool> poisoned{false};
  bool dispatched = false; // dispatch_locked wrote to it; under the lock
  bool launched = false;
  bool stop_sent = false;
  bool retiring = false;
  bool exited = false;
  std::unique_ptr<boost::asio::posix::stream_descriptor> pidfd;
};

class pool_core {
public:
  explicit pool_core(process_pool_options const& options);
  ~pool_core();

  void submit(task_node& task, std::span<std::byte const> message);

  /// For a thread about to block on one of this pool's futures (see
  /// wait_helper): reads replies while they come, until `state` is done,
  /// the deadline, or ~50 us without one.
  void help_wait(shared_state_base const& state, deadline_type const& deadline) noexcept;
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
  worker_slot* pick_locked() const;
  bool has_idle_locked() const;
  void break_locked(breakage const& why, std::vector<task_node*>& fail);
  void corrupted_locked(worker_slot& s, char const* where, std::string const& fault,
                        std::vector<task_node*>& fail);
  std::string check_reply_locked(worker_slot const& s, record_header const& h,
                                 std::span<std::byte const> message) const;
  void start_manager_locked();

  // --- the drainer: whoever holds drain_mutex_ ---
  // What reading a batch of replies left to do after the locks.
  struct drained {
    std::vector<slot_ptr>* wake_list = nullptr;
    bool quiet = false;               // leave futures with waiters unpublished
    bool corrupt = false;             // the ring's head is not a record
    bool other = false;               // nor a whole reply (hello, split)
    std::vector<task_node*> deferred; // complete, to be published (quiet)
    std::vector<task_node*> failed;   // to fail with `broke`
    std::exception_ptr broke;
  };
  int drain_batch(worker_slot& slot, drained& out);
  task_node* claim_reply(worker_slot& slot, record_header const& h,
                         std::span<std::byte const> message);
  bool stream_reply(worker_slot& slot, ring::view const& first, std::uint64_t total);
  void refresh_drain_slots();
  bool any_result() const noexcept;
  void ring_doorbell() const noexcept;

  // --- manager thread ---
  void launch(slot_ptr const& slot);
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
  static void wake_one(worker_slot& slot) noexcept;
  static void fail(std::vector<task_node*> const& tasks,
                   std::exception_ptr const& e) noexcept;
  static void close_fd(int& fd) noexcept;

  int const max_workers_;
  std::optional<int> const max_tasks_;
  start_method const method_;
  unsigned const generation_ = fork_generation.load(std::memory_order_relaxed);
  std::vector<std::byte> setup_; // setup_header + module table + initializer

  class helper;
  helper* helper_; // what the pool's futures call as they block

  // Who reads the result rings (see above). Taken after nothing, before
  // mutex_.
  spin_mutex drain_mutex_;
  std::vector<slot_ptr> drain_slots_; // the drainer's copy of slots_
  // The doorbell rang while a helper held drain_mutex_: the helper rings
  // it again once it lets go.
  std::atomic<bool> doorbell_missed_{false};

  mutable spin_mutex mutex_;
  call_backlog backlog_;
  std::vector<slot_ptr> slots_;
  // Bumped when slots_ changes: the manager re-reads its copy then.
  std::atomic<std::uint64_t> slots_version_{0};
  std::uint64_t seen_version_ = 0; // the drainer
  std::uint32_t next_id_ = 0;
  bool shutdown_ = false;
  std::exception_ptr broken_future_; // what pending futures fail with
  breakage broken_;                  // why, for what submit throws
  bool finished_ = false;
  bool manager_started_ = false;

  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>>
      work_;
  std::thread manager_;
  std::mutex join_mutex_;
  std::atomic<std::thread::id> manager_id_{};
  int doorbell_fd_ = -1;
  std::unique_ptr<boost::asio::posix::stream_descriptor> doorbell_;
  fork_server_client forkserver_; // after io_, whose descriptor it holds
};

} // namespace concurrent::futures::detail::process

#endif
