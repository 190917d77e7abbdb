//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_SYS_FUTEX_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_SYS_FUTEX_HPP

// Linux futex on a 32-bit atomic word. std::atomic::wait has no timeout,
// and a condition variable would add a mutex to every future; a futex adds
// nothing to the state.
//
// A word only this process' threads wait on (a future, a wait, the thread
// pool) is private: the kernel then keys it by address alone, without
// looking up the mapping. A word in memory shared with another process (a
// worker's channel) must not be: a private wake never reaches a waiter in
// another process, which would sleep until its timeout.
//
// Absolute deadlines are CLOCK_MONOTONIC (std::chrono::steady_clock is
// CLOCK_MONOTONIC in libstdc++ and libc++).

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

/// Who waits on a futex word.
enum class futex_scope : int {
  this_process = FUTEX_PRIVATE_FLAG, // threads of this process only
  across_processes = 0,              // processes that map the same memory
};

inline std::uint32_t* futex_address(std::atomic<std::uint32_t>& word) noexcept {
  return reinterpret_cast<std::uint32_t*>(&word);
}

/// Sleeps while `word == expected`, until woken or the absolute
/// CLOCK_MONOTONIC time `*until` (null: no limit); returns false only on
/// timeout. Spurious returns are the caller's to loop over.
inline bool futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                       timespec const* until,
                       futex_scope scope = futex_scope::this_process) noexcept {
  long r = ::syscall(SYS_futex, futex_address(word),
                     FUTEX_WAIT_BITSET | static_cast<int>(scope), expected, until,
                     nullptr, FUTEX_BITSET_MATCH_ANY);
  return !(r == -1 && errno == ETIMEDOUT);
}

/// As above, with a steady_clock deadline (empty: no limit).
inline bool futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                       deadline_type const& deadline,
                       futex_scope scope = futex_scope::this_process) noexcept {
  if (!deadline)
    return futex_wait(word, expected, static_cast<timespec const*>(nullptr), scope);
  auto since = deadline->time_since_epoch();
  if (since.count() < 0)
    since = {};
  auto const secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(secs.count());
  ts.tv_nsec = static_cast<long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs).count());
  return futex_wait(word, expected, &ts, scope);
}

/// As futex_wait, for at most `*relative` (null: no limit): a periodic
/// wake-up, where the caller looks at something no futex signals.
inline bool futex_wait_for(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                           timespec const* relative,
                           futex_scope scope = futex_scope::this_process) noexcept {
  long r = ::syscall(SYS_futex, futex_address(word), FUTEX_WAIT | static_cast<int>(scope),
                     expected, relative, nullptr, 0);
  return !(r == -1 && errno == ETIMEDOUT);
}

inline void futex_wake(std::atomic<std::uint32_t>& word, int count,
                       futex_scope scope = futex_scope::this_process) noexcept {
  ::syscall(SYS_futex, futex_address(word), FUTEX_WAKE | static_cast<int>(scope), count,
            nullptr, nullptr, 0);
}

inline void futex_wake_all(std::atomic<std::uint32_t>& word,
                           futex_scope scope = futex_scope::this_process) noexcept {
  futex_wake(word, INT_MAX, scope);
}

} // namespace concurrent::futures::detail

#endif
