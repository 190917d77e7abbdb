//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_SYS_FUTEX_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_SYS_FUTEX_HPP

// Linux futex on a 32-bit atomic word, with absolute CLOCK_MONOTONIC
// deadlines (std::chrono::steady_clock is CLOCK_MONOTONIC in libstdc++ and
// libc++). std::atomic::wait has no timeout, and a condition variable would
// add a mutex to every future; a futex adds nothing to the state.

#include <concurrent/futures/detail/shared_state.hpp>

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <ctime>

namespace concurrent::futures::detail {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));

inline std::uint32_t* futex_address(std::atomic<std::uint32_t>& word) noexcept {
  return reinterpret_cast<std::uint32_t*>(&word);
}

/// Sleeps while `word == expected`, until woken or the absolute
/// CLOCK_MONOTONIC time `*until` (null: no limit); returns false only on
/// timeout. Spurious returns are the caller's to loop over.
inline bool futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                       timespec const* until) noexcept {
  long r = ::syscall(SYS_futex, futex_address(word), FUTEX_WAIT_BITSET_PRIVATE, expected,
                     until, nullptr, FUTEX_BITSET_MATCH_ANY);
  return !(r == -1 && errno == ETIMEDOUT);
}

/// As above, with a steady_clock deadline (empty: no limit).
inline bool futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                       deadline_type const& deadline) noexcept {
  if (!deadline)
    return futex_wait(word, expected, static_cast<timespec const*>(nullptr));
  auto since = deadline->time_since_epoch();
  if (since.count() < 0)
    since = {};
  auto const secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(secs.count());
  ts.tv_nsec = static_cast<long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count());
  return futex_wait(word, expected, &ts);
}

inline void futex_wake(std::atomic<std::uint32_t>& word, int count) noexcept {
  ::syscall(SYS_futex, futex_address(word), FUTEX_WAKE_PRIVATE, count, nullptr, nullptr,
            0);
}

inline void futex_wake_all(std::atomic<std::uint32_t>& word) noexcept {
  futex_wake(word, INT_MAX);
}

} // namespace concurrent::futures::detail

#endif
