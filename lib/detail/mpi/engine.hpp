//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_MPI_ENGINE_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_MPI_ENGINE_HPP

// The root's side of an MPI executor, whichever way its workers came.
//
// Calls wait in `backlog_` (cancellable; the highest priority, then the
// oldest, goes first) until a worker has room (`calls_per_worker`). One
// thread of the engine's own makes every MPI call: it hands calls to
// workers, receives their replies and completes the futures (so done
// callbacks run there), sends and checks heartbeats, and at the end tells
// every worker to stop and waits for each to say it stopped. Submitters
// only queue under the mutex and wake the thread (a futex word).

#include <concurrent/futures/detail/mpi/executor_core.hpp>
#include <concurrent/futures/detail/task.hpp>
#include <concurrent/futures/exceptions.hpp>

#include "detail/executor/call_backlog.hpp"
#include "detail/sys/spin.hpp"
#include "protocol.hpp"
#include "transport.hpp"

#include <mpi.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace concurrent::futures::detail::mpi {

struct engine_config {
  std::string who; // the executor's class name, for messages
  int calls_per_worker = 2;
  std::chrono::microseconds poll_max{1000};
  std::chrono::milliseconds heartbeat{0};
  bool isolate_calls = false;
  std::string initializer;
  std::vector<std::pair<std::string, std::string>> env;
  bool spawned = false; // the comm is an intercommunicator to spawned workers
};

/// Checks the options both executors share; throws std::invalid_argument
/// naming `who` and the option.
engine_config make_engine_config(int calls_per_worker, std::chrono::microseconds poll_max,
                                 std::chrono::milliseconds heartbeat, bool isolate_calls,
                                 process_initializer const& initializer, char const* who);

template <class Options>
engine_config make_engine_config(Options const& o, char const* who) {
  return make_engine_config(o.calls_per_worker, o.poll_max, o.heartbeat, o.isolate_calls,
                            o.initializer, who);
}

class engine {
public:
  /// Takes `comm` over (freed, or disconnected, at the end). Sends every
  /// worker its setup and waits for each hello; throws std::runtime_error,
  /// after stopping the workers, when one runs another build.
  engine(MPI_Comm comm, std::vector<int> worker_ranks, engine_config config);
  ~engine();

  void submit(task_node& task, std::span<std::byte const> message);
  void shutdown(bool wait, bool cancel_futures);
  int num_workers() const noexcept { return live_.load(std::memory_order_relaxed); }

private:
  struct worker {
    int rank = -1;
    std::string host;
    int pid = 0;
    std::deque<std::pair<std::uint64_t, task_node*>> inflight;
    std::uint64_t next_id = 1;
    clock::time_point heard;
    bool lost = false;    // silent past the heartbeat: nothing more is sent or awaited
    bool stopped = false; // acknowledged the stop
  };

  void handshake();
  void start_thread();
  void run() noexcept;
  bool dispatch();
  bool receive();
  void on_frame(incoming& in);
  bool test_sends();
  void send(worker& w, int tag, std::uint64_t id, std::span<std::byte const> payload);
  void beat();
  void fail(broken_mpi_pool const& why, worker* lost = nullptr) noexcept;
  void finish() noexcept;
  void await_local_exits() const;
  worker* worker_of(int rank) noexcept;
  std::string where(worker const& w) const;

  MPI_Comm comm_;
  engine_config const config_;
  std::vector<worker> workers_;  // not resized after construction
  std::vector<worker*> by_rank_; // rank -> its worker, or null

  // backlog_, shutdown_, broken_: held for a queue operation, by submitters
  // and the thread, up to a few hundred thousand times a second; a
  // std::mutex parked them in the kernel (the process pool measured the
  // same, see spin.hpp).
  spin_mutex mutex_;
  call_backlog backlog_;
  bool shutdown_ = false;
  std::optional<broken_mpi_pool> broken_;

  std::atomic<int> live_{0};
  mutable std::atomic<std::uint32_t> wake_{0};
  std::atomic<bool> asleep_{false};
  struct handing {
    worker* to;
    std::uint64_t id;
    pending_call call;
  };
  std::vector<handing> batch_;                     // the thread's: calls on their way out
  std::vector<incoming> inbox_;                    // the thread's: frames to handle
  std::vector<std::unique_ptr<outgoing>> sending_; // the thread's
  std::vector<std::unique_ptr<outgoing>> spare_;
  clock::time_point last_beat_;

  std::thread thread_;
  std::mutex join_mutex_;
};

} // namespace concurrent::futures::detail::mpi

#endif
