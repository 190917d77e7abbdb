//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// The process pool's own thread (the manager): it reads the replies when a
// worker rings the doorbell, completes their futures and refills the
// workers; it starts workers and reaps them. See pool_core.hpp.

#include "pool_core.hpp"

#include "spawn.hpp"
#include "worker.hpp"

#include "detail/sys/futex.hpp"

#include <concurrent/futures/codec.hpp>

#include <boost/asio/post.hpp>

#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <system_error>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

namespace asio = boost::asio;

namespace concurrent::futures::detail::process {
namespace {

// A worker's hello is its pid and why it cannot run, if it cannot.
constexpr std::uint64_t hello_max = 1 << 20;

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
      s += " (it found the memory it shares with the pool corrupted, overwritten by a "
           "task; its stderr says what)";
  }
  return s;
}

} // namespace

void pool_core::watch_doorbell() {
  doorbell_->async_wait(asio::posix::stream_descriptor::wait_read,
                        [this](boost::system::error_code ec) {
                          if (ec)
                            return;
                          std::uint64_t n;
                          while (::read(doorbell_fd_, &n, sizeof n) > 0) {
                          }
                          // A helper reading the rings now rings again
                          // when it lets go (see help_wait).
                          doorbell_missed_.store(true, std::memory_order_seq_cst);
                          if (std::unique_lock drainer{drain_mutex_, std::try_to_lock}) {
                            doorbell_missed_.store(false, std::memory_order_relaxed);
                            process_results();
                          }
                          if (!finished_)
                            watch_doorbell();
                        });
}

void pool_core::refresh_drain_slots() {
  if (slots_version_.load(std::memory_order_acquire) != seen_version_ ||
      drain_slots_.empty()) {
    std::lock_guard lock(mutex_);
    drain_slots_ = slots_;
    seen_version_ = slots_version_.load(std::memory_order_relaxed);
  }
}

// A poisoned worker's ring is not looked at: whatever it holds is not a
// reply.
bool pool_core::any_result() const noexcept {
  for (auto const& s : drain_slots_)
    if (!s->poisoned && !s->chan.results().empty())
      return true;
  return false;
}

void pool_core::ring_doorbell() const noexcept {
  std::uint64_t one = 1;
  while (::write(doorbell_fd_, &one, sizeof one) < 0 && errno == EINTR) {
  }
}

void pool_core::process_results() {
  std::vector<slot_ptr> wake_list;
  std::vector<task_node*> failed;
  for (;;) {
    refresh_drain_slots();
    bool progress = false;
    wake_list.clear();
    for (auto const& s : drain_slots_)
      progress = drain(*s, &wake_list) || progress;
    wake(wake_list);
    if (progress)
      continue;
    wake_list.clear();
    std::exception_ptr broke;
    {
      std::lock_guard lock(mutex_);
      dispatch_locked(wake_list, failed);
      if (!failed.empty())
        broke = broken_future_;
    }
    wake(wake_list);
    fail(failed, broke);
    failed.clear();
    // No polling before sleeping: a thread blocked in a future polls (see
    // help_wait), and one here took the rings from it (bench/README.md).
    for (auto const& s : drain_slots_)
      s->chan.header().parent_waiting.store(1, std::memory_order_seq_cst);
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (!any_result())
      return;
  }
}

void pool_core::help_wait(shared_state_base const& state,
                          deadline_type const& deadline) noexcept {
  // Not in a forked copy (the rings are the parent's), and not while
  // another thread reads the rings: it completes this future as well.
  if (forked_copy() || !drain_mutex_.try_lock())
    return;
  drained out;
  std::vector<slot_ptr> wake_list;
  out.wake_list = &wake_list;
  out.quiet = true;
  bool left = false;
  try {
    refresh_drain_slots();
    // The workers need not ring while this thread polls.
    for (auto const& s : drain_slots_)
      s->chan.header().parent_waiting.store(0, std::memory_order_relaxed);
    auto last_progress = clock::now();
    for (unsigned polls = 0;;) {
      refresh_drain_slots();
      bool progress = false;
      for (auto const& s : drain_slots_) {
        if (s->poisoned)
          continue;
        // Hellos, split messages and faults are the pool's thread's.
        if (s->chan.results().empty())
          continue;
        if (!s->hello_seen || s->chain_total != 0) {
          left = true;
          continue;
        }
        if (drain_batch(*s, out) > 0)
          progress = true;
        left = left || out.corrupt || out.other;
      }
      wake(wake_list);
      wake_list.clear();
      if (left || !out.failed.empty() || state.done())
        break;
      if (progress) {
        polls = 0;
        last_progress = clock::now();
        continue;
      }
      if ((++polls & 63) == 0) {
        auto const now = clock::now();
        if (now - last_progress > std::chrono::microseconds(50) ||
            (deadline && now >= *deadline))
          break;
      }
      cpu_relax();
    }
  } catch (...) {
    left = true; // out of memory: the pool's thread takes over
  }
  // Hand the rings back: the workers ring again, and what came after the
  // last look is the pool's thread's.
  for (auto const& s : drain_slots_)
    s->chan.header().parent_waiting.store(1, std::memory_order_seq_cst);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  left = left || any_result();
  // Posted before letting go: the pool's thread cannot finish (and stop
  // running handlers) while a worker it reaps needs this lock.
  if (!out.deferred.empty()) {
    asio::post(io_, [tasks = std::move(out.deferred)] {
      for (task_node* t : tasks)
        t->remote->publish(*t);
    });
  }
  drain_mutex_.unlock();
  std::atomic_thread_fence(std::memory_order_seq_cst);
  // Taken, not read: the next helper need not ring for the same miss.
  if (doorbell_missed_.exchange(false, std::memory_order_relaxed) || left)
    ring_doorbell();
  fail(out.failed, out.broke);
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
  if (!is_reply_status(status))
    return "a reply for call " + std::to_string(h.id) + " with status byte " +
           std::to_string(status) + ", neither a value nor an exception";
  if ((h.flags & record_retiring) != 0 &&
      !(max_tasks_ && s.answered + 1 == static_cast<std::uint64_t>(*max_tasks_)))
    return "a reply for call " + std::to_string(h.id) +
           " that says the worker retires, which max_tasks_per_child does not allow";
  return {};
}

int pool_core::drain_batch(worker_slot& s, drained& out) {
  auto& r = s.chan.results();
  using read_result = ring::read_result;
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
  if (n == 0) {
    out.corrupt = rr == read_result::corrupt;
    out.other = rr == read_result::record;
    return 0;
  }
  // Under one lock, not one per reply: submitting threads take the same.
  task_node* tasks[batch_max] = {};
  std::string fault;
  int good = 0;
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
      corrupted_locked(s, "result ring", fault, out.failed);
    else
      dispatch_locked(*out.wake_list, out.failed);
    if (!out.failed.empty())
      out.broke = broken_future_;
  }
  for (int i = 0; i < good; ++i) {
    codec_reader in(batch[i].payload);
    if (!tasks[i]->remote->complete(*tasks[i], in, s.pid, out.quiet))
      out.deferred.push_back(tasks[i]);
  }
  if (good > 0 && fault.empty()) {
    r.consume(batch[good - 1]);
    wake_writer(s.chan.header());
  }
  return n;
}

bool pool_core::drain(worker_slot& s, std::vector<slot_ptr>* wake_list) {
  if (s.poisoned)
    return false;
  auto& r = s.chan.results();
  auto& h = s.chan.header();
  bool progress = false;
  using read_result = ring::read_result;
  // The common case first: whole replies, matched to their calls and the
  // worker refilled under one lock.
  if (wake_list && s.chain_total == 0 && s.hello_seen) {
    drained out;
    out.wake_list = wake_list;
    int const n = drain_batch(s, out);
    if (out.corrupt) {
      report_corruption(s, "result ring", r.fault());
      return true;
    }
    if (n > 0) {
      fail(out.failed, out.broke);
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
    bool const in_chain = s.chain_total != 0;
    if (in_chain && (vh.kind != s.chain_kind || vh.id != s.chain_id)) {
      report_corruption(s, "result ring",
                        "a record of call " + std::to_string(vh.id) +
                            " inside the message of call " + std::to_string(s.chain_id));
      return true;
    }
    std::span<std::byte const> message = v.payload;
    if (!in_chain && (vh.flags & record_more)) {
      // A split message: its size, then its first bytes.
      std::uint64_t const total = split_size(v.payload);
      if (total == 0 || (vh.kind == record_kind::hello && total > hello_max)) {
        report_corruption(s, "result ring",
                          "a split message whose first record gives no size, or one "
                          "no writer makes");
        return true;
      }
      if (vh.kind == record_kind::reply)
        return stream_reply(s, v, total);
      s.chain_kind = vh.kind;
      s.chain_id = vh.id;
      s.chain_total = total;
      s.reassembly.assign(v.payload.begin() + split_prefix, v.payload.end());
      r.consume(v);
      wake_writer(h);
      continue;
    }
    if (in_chain) {
      s.reassembly.insert(s.reassembly.end(), v.payload.begin(), v.payload.end());
      bool const more = (vh.flags & record_more) != 0;
      if (s.reassembly.size() > s.chain_total ||
          (!more && s.reassembly.size() != s.chain_total)) {
        report_corruption(s, "result ring",
                          "a split message of " + std::to_string(s.reassembly.size()) +
                              " bytes where its first record said " +
                              std::to_string(s.chain_total));
        return true;
      }
      if (more) {
        r.consume(v);
        wake_writer(h);
        continue;
      }
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
        s.hello_pid = pid;
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
      task_node* const task = claim_reply(s, vh, message);
      if (task == nullptr)
        return true;
      detail::complete_remote(*task, message, s.pid);
    }
    s.reassembly.clear();
    s.chain_total = 0;
    r.consume(v);
    wake_writer(h);
  }
  return progress;
}

// The call a whole reply (or a split reply's start) answers, taken off the
// worker's list; null, with the pool broken, if it answers none.
task_node* pool_core::claim_reply(worker_slot& s, record_header const& h,
                                  std::span<std::byte const> message) {
  task_node* task = nullptr;
  std::string fault;
  {
    std::lock_guard lock(mutex_);
    fault = check_reply_locked(s, h, message);
    if (fault.empty()) {
      task = s.inflight.front();
      s.inflight.pop_front();
      ++s.answered;
      if (h.flags & record_retiring)
        s.retiring = true;
    }
  }
  if (!fault.empty())
    report_corruption(s, "result ring", fault);
  return task;
}

void pool_core::launch(slot_ptr const& slot) {
  if (slot->launched)
    return;
  slot->launched = true;
  if (method_ == start_method::forkserver) {
    if (!forkserver_.started()) {
      forkserver_.start(io_);
      watch_forkserver();
    }
    bool const sent = forkserver_.request_worker(slot->id, slot->memfd, doorbell_fd_);
    close_fd(slot->memfd);
    if (!sent)
      on_exit(slot, false, 127);
    return;
  }
  pid_t const pid = method_ == start_method::fork
                        ? fork_worker(slot->memfd, doorbell_fd_)
                        : spawn_worker(slot->memfd, doorbell_fd_, slot->secret);
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

void pool_core::watch_forkserver() {
  forkserver_.async_wait([this] { on_forkserver_readable(); });
}

void pool_core::on_forkserver_readable() {
  for (;;) {
    forkserver_message m{};
    auto const received = forkserver_.receive(m);
    if (received == fork_server_client::receive_result::none_yet) {
      watch_forkserver();
      return;
    }
    if (received == fork_server_client::receive_result::gone) {
      // The fork server is gone: its workers died with it.
      std::vector<task_node*> tasks;
      std::exception_ptr e;
      std::vector<slot_ptr> slots;
      {
        std::lock_guard lock(mutex_);
        if (!finished_) {
          break_locked(
              breakage::abrupt("the fork server exited", forkserver_.pid(), 0, -1),
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
  {
    std::lock_guard drainer(drain_mutex_);
    drain(*slot); // replies published before it died are good
  }
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
      if (!signaled && code == exit_channel_corrupt && slot->pid > 0) {
        // The worker found the damage before the pool did: the same
        // breakage as when the pool finds it, and what to look for.
        breakage b = breakage::corrupted(slot->pid, "shared memory", why);
        b.status = code;
        break_locked(b, tasks);
      } else {
        break_locked(
            breakage::abrupt(why, slot->pid, signaled ? code : 0, signaled ? -1 : code),
            tasks);
      }
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

} // namespace concurrent::futures::detail::process
