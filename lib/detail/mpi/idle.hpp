//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_MPI_IDLE_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_MPI_IDLE_HPP

// How a thread that polls MPI waits between two looks. Measured here
// (../shared/reference/mpi.md, section 5): spinning gives a 6.6 us round
// trip but takes a core; any sleep costs the kernel's timer slack (50 us
// by default: 90-97 us per round trip), 18.9 us with the slack at 1 ns. So:
// while an answer is awaited, spin for 50 us after the last activity, then
// sleep 1 us doubling up to poll_max, with the thread's timer slack at 1 ns;
// while nothing is out, sleep until woken. A futex word cuts any sleep short (a submit, a
// call finished on another thread).

#include "detail/sys/futex.hpp"
#include "detail/sys/spin.hpp"

#include <sys/prctl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <optional>

namespace concurrent::futures::detail::mpi {

class idler {
public:
  /// Sets the calling thread's timer slack to 1 ns until destroyed (the
  /// thread may be the program's: a constructor's handshake).
  explicit idler(std::chrono::microseconds poll_max)
      : poll_max_(poll_max), old_slack_(::prctl(PR_GET_TIMERSLACK, 0UL, 0UL, 0UL, 0UL)) {
    ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  }

  ~idler() {
    if (old_slack_ > 0)
      ::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(old_slack_), 0UL, 0UL, 0UL);
  }

  idler(idler const&) = delete;
  idler& operator=(idler const&) = delete;

  /// After a turn of the loop that did something.
  void active() noexcept {
    last_ = std::chrono::steady_clock::now();
    sleep_ = std::chrono::microseconds{1};
  }

  /// After a turn that did nothing. `polling`: an answer is awaited, so
  /// look again soon (spinning within 50 us of the last activity); else
  /// sleep until `word` moves or `limit` passes. Not spinning while nothing
  /// is awaited: on an oversubscribed machine (more ranks than cores) a
  /// thread that spins then keeps a core from the thread that would give
  /// it work (2 worker ranks on 2 cores: round trip p50 2.6 ms instead of
  /// 10 us).
  void pause(bool polling, std::atomic<std::uint32_t>& word, std::uint32_t seen,
             std::optional<std::chrono::microseconds> limit) noexcept {
    if (polling) {
      if (std::chrono::steady_clock::now() - last_ < std::chrono::microseconds{50}) {
        cpu_relax();
        return;
      }
      auto d = std::min(sleep_, poll_max_);
      if (limit)
        d = std::min(d, *limit);
      sleep(word, seen, d);
      sleep_ = std::min(sleep_ * 2, poll_max_);
    } else if (limit) {
      sleep(word, seen, *limit);
    } else {
      futex_wait_for(word, seen, nullptr);
    }
  }

private:
  static void sleep(std::atomic<std::uint32_t>& word, std::uint32_t seen,
                    std::chrono::microseconds d) noexcept {
    if (d.count() <= 0)
      d = std::chrono::microseconds{1};
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(d.count() / 1000000);
    ts.tv_nsec = static_cast<long>(d.count() % 1000000) * 1000;
    futex_wait_for(word, seen, &ts);
  }

  std::chrono::microseconds poll_max_;
  int old_slack_;
  std::chrono::microseconds sleep_{1};
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

} // namespace concurrent::futures::detail::mpi

#endif
