//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

// A reply longer than a record, decoded as its records arrive: the value is
// the only copy of the message in the pool's process (issue 15: a 256 MiB
// result grew the parent's peak RSS by 2x the value when it was gathered
// first). See pool_core.hpp.

#include "pool_core.hpp"

#include <concurrent/futures/codec.hpp>

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>
#include <string>

namespace concurrent::futures::detail::process {

// A reply split over records, decoded as they arrive (codec_reader::source):
// the value is the only copy of the message in this process. The worker
// wrote the whole message before its first record, so the rest comes at
// memory speed; this waits for it, and gives up when the worker dies.
bool pool_core::stream_reply(worker_slot& s, ring::view const& first,
                             std::uint64_t total) {
  auto const start = first.payload.subspan(split_prefix);
  task_node* const task = claim_reply(s, first.header, start);
  if (task == nullptr)
    return true;

  class records final : public codec_reader::source {
  public:
    records(worker_slot& s, ring::view const& first, std::uint64_t left)
        : s_(s), r_(s.chan.results()), cur_(first), left_(left) {}
    records(records const&) = delete;
    records& operator=(records const&) = delete;
    ~records() {
      if (pidfd_ >= 0)
        ::close(pidfd_);
    }

    std::span<std::byte const> next() override {
      advance();
      return cur_.payload;
    }

    // Consumes what is left of the message, through its last record.
    void finish() {
      while (cur_.header.flags & record_more)
        advance();
      r_.consume(cur_);
      wake_writer(s_.chan.header());
    }

    std::string fault; // the ring is corrupt: the pool breaks
    bool died = false; // the worker died: the pool's thread breaks the pool

  private:
    // The call's future fails as the others will when the pool breaks.
    [[noreturn]] void corrupt(std::string what) {
      fault = std::move(what);
      throw broken_process_pool(
          breakage::corrupted(s_.pid, "result ring", fault).future_text, s_.pid, 0, -1);
    }

    void advance() {
      if (!(cur_.header.flags & record_more))
        corrupt("the reply ended " + std::to_string(left_) +
                " bytes before the size its first record gave");
      std::uint64_t const id = cur_.header.id;
      r_.consume(cur_);
      wake_writer(s_.chan.header());
      for (unsigned polls = 0;;) {
        auto const rr = r_.peek(cur_);
        if (rr == ring::read_result::corrupt)
          corrupt(r_.fault());
        if (rr == ring::read_result::record)
          break;
        if (++polls < 256) {
          polls < 64 ? cpu_relax() : static_cast<void>(::sched_yield());
          continue;
        }
        wait_alive();
      }
      auto const& h = cur_.header;
      if (h.kind != record_kind::reply || h.id != id)
        corrupt("a record of kind " + std::to_string(static_cast<unsigned>(h.kind)) +
                " for call " + std::to_string(h.id) + " inside the reply of call " +
                std::to_string(id));
      std::size_t const n = cur_.payload.size();
      bool const more = (h.flags & record_more) != 0;
      if (n == 0 || n > left_ || (n == left_) == more)
        corrupt("a record of " + std::to_string(n) + " bytes" +
                (more ? ", more to come," : ", the last,") + " where " +
                std::to_string(left_) + " bytes of the reply were due");
      left_ -= n;
    }

    // Sleeps up to a millisecond for the worker, unless it has exited. The
    // fork server may not have said the worker's pid yet: its hello did.
    void wait_alive() {
      pid_t const pid = s_.pid > 0 ? s_.pid : s_.hello_pid;
      if (pidfd_ < 0 && pid > 0)
        pidfd_ = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
      if (pidfd_ >= 0) {
        pollfd p{pidfd_, POLLIN, 0};
        died = ::poll(&p, 1, 1) > 0 && (p.revents & POLLIN) != 0;
      } else {
        // No pidfd (gone already, or no descriptor left): ask, then wait.
        died = pid <= 0 || gone(pid);
        if (!died)
          ::usleep(200);
      }
      if (died)
        throw broken_process_pool(breakage::abrupt("worker pid " + std::to_string(pid) +
                                                       " exited while its reply crossed",
                                                   pid, 0, -1)
                                      .future_text,
                                  pid, 0, -1);
    }

    // A child of ours that exited (not reaped yet: this thread reaps), or
    // any process that is no more.
    static bool gone(pid_t pid) noexcept {
      siginfo_t info{};
      if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) ==
              0 &&
          info.si_pid == pid)
        return true;
      return ::kill(pid, 0) != 0 && errno == ESRCH;
    }

    worker_slot& s_;
    ring& r_;
    ring::view cur_;
    std::uint64_t left_; // bytes of the message after cur_
    int pidfd_ = -1;
  };

  records rest(s, first, total - start.size());
  codec_reader in(start, total, rest);
  task->remote->complete(*task, in, s.pid, false);
  if (rest.fault.empty() && !rest.died) {
    try {
      rest.finish(); // a value that failed to decode left records behind
    } catch (...) {
    }
  }
  if (!rest.fault.empty()) {
    report_corruption(s, "result ring", rest.fault);
  } else if (rest.died) {
    // What is left of the message will never come: its ring is not read
    // again, and the pool's thread breaks the pool as it reaps the worker.
    std::lock_guard lock(mutex_);
    s.poisoned.store(true, std::memory_order_relaxed);
  }
  return true;
}

} // namespace concurrent::futures::detail::process
