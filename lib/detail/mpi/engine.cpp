//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#include "engine.hpp"

#include "idle.hpp"
#include "mpi_call.hpp"

#include <concurrent/futures/detail/wire/seam.hpp>

#include "detail/wire/modules.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <stdexcept>

namespace concurrent::futures::detail::mpi {
namespace {

std::string as_string(std::vector<std::byte> const& b) {
  return std::string(reinterpret_cast<char const*>(b.data()), b.size());
}

void fail_tasks(std::vector<task_node*> const& tasks,
                std::exception_ptr const& e) noexcept {
  for (auto* t : tasks)
    t->abandon(e);
}

} // namespace

engine_config make_engine_config(int calls_per_worker, std::chrono::microseconds poll_max,
                                 std::chrono::milliseconds heartbeat, bool isolate_calls,
                                 process_initializer const& initializer,
                                 char const* who) {
  if (calls_per_worker < 1)
    throw std::invalid_argument(std::string(who) +
                                ": calls_per_worker must be >= 1, not " +
                                std::to_string(calls_per_worker));
  if (poll_max.count() < 1)
    throw std::invalid_argument(std::string(who) + ": poll_max must be at least 1 us");
  if (heartbeat.count() < 0)
    throw std::invalid_argument(std::string(who) + ": heartbeat must not be negative");
  engine_config c;
  c.who = who;
  c.calls_per_worker = calls_per_worker;
  c.poll_max = poll_max;
  c.heartbeat = heartbeat;
  c.isolate_calls = isolate_calls;
  auto const& init = initializer.message();
  c.initializer.assign(reinterpret_cast<char const*>(init.data()), init.size());
  return c;
}

engine::engine(MPI_Comm comm, std::vector<int> worker_ranks, engine_config config)
    : comm_(comm), config_(std::move(config)) {
  for (int r : worker_ranks) {
    worker w;
    w.rank = r;
    workers_.push_back(std::move(w));
  }
  // Every frame and every pending send asks for its worker: by rank, not
  // by a scan of all workers per frame (a cluster has hundreds of ranks).
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    auto const r = static_cast<std::size_t>(workers_[i].rank);
    if (by_rank_.size() <= r)
      by_rank_.resize(r + 1, nullptr);
    by_rank_[r] = &workers_[i];
  }
  handshake();
  start_thread();
}

engine::~engine() {
  shutdown(true, false);
}

std::string engine::where(worker const& w) const {
  return "rank " + std::to_string(w.rank) + " on " + (w.host.empty() ? "?" : w.host) +
         ", pid " + std::to_string(w.pid);
}

engine::worker* engine::worker_of(int rank) noexcept {
  return rank >= 0 && static_cast<std::size_t>(rank) < by_rank_.size()
             ? by_rank_[static_cast<std::size_t>(rank)]
             : nullptr;
}

void engine::send(worker& w, int tag, std::uint64_t id,
                  std::span<std::byte const> payload) {
  std::unique_ptr<outgoing> out;
  if (!spare_.empty()) {
    out = std::move(spare_.back());
    spare_.pop_back();
  } else {
    out = std::make_unique<outgoing>();
  }
  build_frame(out->bytes, id, payload);
  start_send(comm_, w.rank, tag, *out);
  sending_.push_back(std::move(out));
}

bool engine::test_sends() {
  bool any = false;
  for (std::size_t i = 0; i < sending_.size();) {
    if (send_done(*sending_[i])) {
      if (sending_[i]->bytes.capacity() <= (std::size_t{1} << 16) && spare_.size() < 64)
        spare_.push_back(std::move(sending_[i]));
      sending_[i] = std::move(sending_.back());
      sending_.pop_back();
      any = true;
    } else {
      ++i;
    }
  }
  return any;
}

void engine::handshake() {
  setup_message setup;
  setup.calls_per_worker = config_.calls_per_worker;
  setup.poll_max_us = config_.poll_max.count();
  setup.heartbeat_ms = config_.heartbeat.count();
  setup.isolate_calls = config_.isolate_calls;
  setup.module_table = as_string(process::encode_module_table());
  setup.initializer = config_.initializer;
  setup.env = config_.env;
  auto const payload = encode_message(setup);

  std::string mismatch, init_error;
  worker const* bad = nullptr;
  worker const* failed = nullptr;
  {
    call_lock lock;
    for (auto& w : workers_)
      send(w, tag_setup, 0, payload);
  }
  std::size_t remaining = workers_.size();
  idler idle(config_.poll_max);
  auto const started = clock::now();
  while (remaining > 0) {
    incoming in;
    bool got;
    {
      call_lock lock;
      got = try_receive(comm_, MPI_ANY_SOURCE, in);
      test_sends();
    }
    if (!got) {
      if (config_.heartbeat.count() > 0 &&
          clock::now() - started > std::max<clock::duration>(4 * config_.heartbeat,
                                                             std::chrono::seconds{30})) {
        for (auto& w : workers_)
          if (w.pid == 0) {
            std::string const why = config_.who + ": rank " + std::to_string(w.rank) +
                                    " never answered its setup";
            note_lost_rank(why);
            throw std::runtime_error(why);
          }
      }
      idle.pause(true, wake_, wake_.load(), std::nullopt);
      continue;
    }
    idle.active();
    worker* w = worker_of(in.source);
    if (!w || in.tag != tag_hello || w->pid != 0)
      continue; // a beat, or nothing of ours
    auto const hello = decode_message<hello_message>(in.payload());
    w->host = hello.host;
    w->pid = hello.pid;
    w->heard = clock::now();
    --remaining;
    if (!hello.build_mismatch.empty() && !bad) {
      bad = w;
      mismatch = hello.build_mismatch;
    }
    if (!hello.initializer_error.empty() && !failed) {
      failed = w;
      init_error = hello.initializer_error;
    }
  }
  if (bad) {
    std::string const why = config_.who + ": " + where(*bad) +
                            " runs another build than the root: " + mismatch +
                            ". Every rank must run the same build of the program and of "
                            "each shared library it loads";
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    finish();
    throw std::runtime_error(why);
  }
  live_.store(static_cast<int>(workers_.size()));
  if (failed) {
    broken_.emplace(
        "A worker's initializer failed, the MPI executor is not usable anymore (" +
            where(*failed) + ": " + init_error + ")",
        failed->rank, failed->host, failed->pid, 0);
    live_.store(0);
  }
}

void engine::start_thread() {
  // The thread does not take the program's signals: a handler of the
  // program's (SIGINT, say) must not interrupt an MPI call here.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  thread_ = std::thread([this] { run(); });
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void engine::submit(task_node& task, std::span<std::byte const> message) {
  {
    std::lock_guard lock(mutex_);
    if (broken_)
      throw broken_mpi_pool(*broken_);
    if (shutdown_)
      throw std::runtime_error("cannot schedule new futures after shutdown");
    backlog_.push(task, message);
  }
  wake_.fetch_add(1, std::memory_order_seq_cst);
  if (asleep_.load(std::memory_order_seq_cst))
    futex_wake(wake_, 1);
}

void engine::shutdown(bool wait, bool cancel_futures) {
  std::vector<task_node*> cancelled;
  {
    std::lock_guard lock(mutex_);
    shutdown_ = true;
    if (cancel_futures)
      backlog_.take_all(cancelled);
  }
  for (auto* t : cancelled)
    t->abandon(nullptr);
  wake_.fetch_add(1, std::memory_order_seq_cst);
  futex_wake(wake_, 1);
  if (wait) {
    std::lock_guard lock(join_mutex_);
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id())
      thread_.join();
  }
}

bool engine::dispatch() {
  {
    std::lock_guard lock(mutex_);
    while (!backlog_.empty() && !broken_) {
      worker* best = nullptr;
      for (auto& w : workers_)
        if (!w.lost && static_cast<int>(w.inflight.size()) < config_.calls_per_worker &&
            (!best || w.inflight.size() < best->inflight.size()))
          best = &w;
      if (!best)
        break;
      pending_call c = backlog_.pop();
      if (!start_remote(*c.task))
        continue; // cancelled while it waited
      std::uint64_t const id = best->next_id++;
      best->inflight.emplace_back(id, c.task);
      batch_.push_back({best, id, std::move(c)});
    }
  }
  if (batch_.empty())
    return false;
  // Sent outside the mutex: a submitter never waits for MPI.
  call_lock mpi;
  for (auto& b : batch_)
    send(*b.to, tag_call, b.id, b.call.message.bytes());
  batch_.clear();
  return true;
}

bool engine::receive() {
  // A bounded batch, so that a flood of replies does not starve dispatch;
  // handled outside the MPI lock, since completing a future runs its
  // callbacks.
  // The frames' buffers are kept from turn to turn: a reply allocates
  // nothing once the inbox has grown.
  std::size_t n = 0;
  {
    call_lock lock;
    for (; n < 64; ++n) {
      if (n == inbox_.size())
        inbox_.emplace_back();
      if (!try_receive(comm_, MPI_ANY_SOURCE, inbox_[n]))
        break;
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    on_frame(inbox_[i]);
    if (inbox_[i].frame.capacity() > (std::size_t{1} << 16))
      std::vector<std::byte>().swap(inbox_[i].frame); // not a large value's buffer
  }
  return n > 0;
}

void engine::on_frame(incoming& in) {
  worker* w = worker_of(in.source);
  if (!w)
    throw std::runtime_error("a message from rank " + std::to_string(in.source) +
                             ", which is no worker of this executor");
  w->heard = clock::now();
  switch (in.tag) {
  case tag_beat:
    return;
  case tag_stop:
    w->stopped = true;
    return;
  case tag_reply:
    break;
  default:
    throw std::runtime_error(where(*w) + " sent a message with tag " +
                             std::to_string(in.tag) + " after its hello");
  }
  if (w->inflight.empty()) {
    if (broken_)
      return; // a call the breakage already failed
    throw std::runtime_error(where(*w) + " replied to call " +
                             std::to_string(in.call_id) +
                             ", but no call of it was outstanding");
  }
  auto [id, task] = w->inflight.front();
  if (in.call_id != id)
    throw std::runtime_error(where(*w) + " replied to call " +
                             std::to_string(in.call_id) + ", expected call " +
                             std::to_string(id));
  w->inflight.pop_front();
  auto const payload = in.payload();
  if (payload.empty())
    throw std::runtime_error(where(*w) + " sent an empty reply");
  auto const kind = static_cast<reply_kind>(payload[0]);
  auto const body = payload.subspan(1);
  if (kind == reply_kind::outcome) {
    complete_remote(*task, body, remote_origin(w->pid, w->rank, w->host));
  } else if (kind == reply_kind::crashed) {
    codec_reader r(body);
    crash_report c;
    c.pid = r.read<std::int32_t>();
    c.signal = r.read<std::int32_t>();
    c.what = r.read<std::string>();
    broken_mpi_pool const why("A call of the MPI executor ended its process abruptly (" +
                                  where(*w) + ": " + c.what + ")",
                              w->rank, w->host, c.pid, c.signal);
    task->abandon(std::make_exception_ptr(why));
    fail(why);
  } else {
    throw std::runtime_error(where(*w) + " sent a reply of kind " +
                             std::to_string(static_cast<unsigned>(kind)));
  }
}

void engine::beat() {
  auto const now = clock::now();
  if (now - last_beat_ >= config_.heartbeat) {
    last_beat_ = now;
    call_lock lock;
    for (auto& w : workers_)
      if (!w.lost && !w.stopped)
        send(w, tag_beat, 0, {});
  }
  for (auto& w : workers_) {
    if (w.lost || w.stopped || now - w.heard <= 4 * config_.heartbeat)
      continue;
    auto const ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - w.heard).count();
    broken_mpi_pool const why(
        "A worker of the MPI executor went silent, the executor is not usable anymore (" +
            where(w) + ": nothing for " + std::to_string(ms) + " ms, 4 heartbeats of " +
            std::to_string(config_.heartbeat.count()) +
            " ms; the rank died or hangs. MPI cannot go on with a lost rank: end the "
            "job)",
        w.rank, w.host, w.pid, 0);
    fail(why, &w);
  }
}

void engine::fail(broken_mpi_pool const& why, worker* lost) noexcept {
  std::vector<task_node*> tasks;
  try {
    if (lost) {
      lost->lost = true;
      note_lost_rank(why.what());
    }
    for (auto& w : workers_) {
      for (auto& [id, t] : w.inflight)
        tasks.push_back(t);
      w.inflight.clear();
    }
    std::lock_guard lock(mutex_);
    if (!broken_)
      broken_.emplace(why);
    backlog_.take_all(tasks);
  } catch (...) {
    // No memory to list them: they stay, and the finish below waits.
  }
  live_.store(0);
  fail_tasks(tasks, std::make_exception_ptr(why));
}

void engine::run() noexcept {
  idler idle(config_.poll_max);
  last_beat_ = clock::now();
  bool const beating = config_.heartbeat.count() > 0;
  for (;;) {
    std::uint32_t const seen = wake_.load(std::memory_order_seq_cst);
    bool did = false;
    try {
      did = dispatch();
      did = receive() || did;
      {
        call_lock lock;
        did = test_sends() || did;
      }
      if (beating)
        beat();
    } catch (std::exception const& e) {
      inbox_.clear();
      batch_.clear();
      fail(broken_mpi_pool(config_.who + ": " + e.what()));
      did = true;
    }
    // A send to a lost rank may never complete (a spawned job's TCP):
    // finish() abandons it, so it does not hold the thread here.
    bool out = false;
    for (auto const& s : sending_) {
      worker const* to = worker_of(s->dest);
      out = out || !(to && to->lost);
    }
    for (auto const& w : workers_)
      out = out || (!w.lost && !w.inflight.empty());
    bool stop;
    {
      std::lock_guard lock(mutex_);
      stop = (shutdown_ || broken_) && backlog_.empty() && !out;
    }
    if (stop) {
      finish();
      return;
    }
    if (did) {
      idle.active();
      continue;
    }
    asleep_.store(true, std::memory_order_seq_cst);
    std::optional<std::chrono::microseconds> limit;
    if (beating)
      limit = std::chrono::duration_cast<std::chrono::microseconds>(config_.heartbeat);
    idle.pause(out, wake_, seen, limit);
    asleep_.store(false, std::memory_order_relaxed);
  }
}

void engine::await_local_exits() const {
  // The spawned workers on this host, by pid: the others are not ours to
  // see. Open MPI 4.1.4 with PMIx 4.2.2 (Debian 12) now and then hangs in
  // the next MPI_Comm_spawn if it runs while workers of the last one are
  // still finalizing (2 runs in 5 of a program spawning 8 pools in a row,
  // 0 in 25 after waiting), and a user expects shutdown(wait) to leave no
  // worker running. Bounded: a worker stuck in MPI_Finalize is reported,
  // not waited for forever.
  std::string const here = host_name();
  auto const until = clock::now() + std::chrono::seconds{30};
  idler idle(std::chrono::milliseconds{1});
  for (auto const& w : workers_) {
    if (w.host != here || w.pid <= 0)
      continue;
    while (::kill(w.pid, 0) == 0) {
      if (clock::now() > until) {
        std::fprintf(stderr,
                     "concurrent-futures %s: %s did not exit within 30 s of shutdown\n",
                     config_.who.c_str(), where(w).c_str());
        return;
      }
      idle.pause(true, wake_, wake_.load(), std::nullopt);
    }
  }
}

void engine::finish() noexcept {
  bool any_lost = false;
  try {
    {
      call_lock lock;
      for (auto& w : workers_) {
        any_lost = any_lost || w.lost;
        if (!w.lost)
          send(w, tag_stop, 0, {});
      }
    }
    // Every worker says it stopped after its last reply: then nothing of
    // ours is in flight and the communicator can go.
    idler idle(config_.poll_max);
    auto const hb = config_.heartbeat;
    for (;;) {
      bool waiting = false;
      auto const now = clock::now();
      for (auto& w : workers_) {
        if (w.lost || w.stopped)
          continue;
        if (hb.count() > 0 && now - w.heard > 4 * hb) {
          w.lost = true;
          any_lost = true;
          note_lost_rank(config_.who + ": " + where(w) + " went silent while stopping");
          continue;
        }
        waiting = true;
      }
      if (!waiting)
        break;
      incoming in;
      bool got;
      {
        call_lock lock;
        got = try_receive(comm_, MPI_ANY_SOURCE, in);
        test_sends();
        if (hb.count() > 0 && now - last_beat_ >= hb) {
          last_beat_ = now;
          for (auto& w : workers_)
            if (!w.lost && !w.stopped)
              send(w, tag_beat, 0, {});
        }
      }
      if (got) {
        if (worker* w = worker_of(in.source)) {
          w->heard = clock::now();
          if (in.tag == tag_stop)
            w->stopped = true;
        }
        idle.active();
      } else {
        idle.pause(true, wake_, wake_.load(), std::nullopt);
      }
    }
    call_lock lock;
    for (auto& out : sending_) {
      worker const* to = worker_of(out->dest);
      if (to && to->lost)
        abandon_send(*out);
      else
        while (!send_done(*out)) {
        }
    }
    sending_.clear();
    if (!any_lost) {
      if (config_.spawned) {
        MPI_Comm_disconnect(&comm_);
        await_local_exits();
      } else {
        MPI_Comm_free(&comm_);
      }
    }
    // With a lost rank the communicator stays: freeing it may wait for the
    // lost rank. The environment ends the job (see mpi_environment).
  } catch (std::exception const& e) {
    std::fprintf(stderr, "concurrent-futures %s: while stopping the workers: %s\n",
                 config_.who.c_str(), e.what());
  }
  live_.store(0);
}

} // namespace concurrent::futures::detail::mpi
