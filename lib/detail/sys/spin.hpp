//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_LIB_DETAIL_SYS_SPIN_HPP
#define CONCURRENT_FUTURES_LIB_DETAIL_SYS_SPIN_HPP

// Busy-waiting: polling before sleeping, and a lock that spins.
//
// Polling before sleeping. A futex wake-up costs several microseconds on a
// VM; a thread that polls for a few microseconds first catches a short task
// finishing on another core without it. The polls must not starve a thread
// that shares the core (more runnable threads than CPUs): after a few CPU
// pauses, each poll yields the CPU, and with one usable CPU there is no
// polling at all.

#include <concurrent/futures/detail/shared_state.hpp>

#include <sched.h>

#include <atomic>
#include <chrono>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace concurrent::futures::detail {

/// The CPUs this process may run on (sched_getaffinity), at least 1.
inline int usable_cpus() noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    int const n = CPU_COUNT(&set);
    if (n > 0)
      return n;
  }
  unsigned const n = std::thread::hardware_concurrency();
  return n > 0 ? static_cast<int>(n) : 1;
}

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

/// One step of a busy-wait on a lock held for a few instructions: a CPU
/// pause, then, if the holder was preempted, yielding to it.
inline void spin_pause(unsigned& spins) noexcept {
  if (spins < 64) {
    cpu_relax();
    ++spins;
  } else {
    ::sched_yield();
  }
}

// The process pool's lock: held for well under a microsecond (queue and
// ring bookkeeping; never a user callback; a syscall only when a worker
// starts or the pool breaks), by submitting threads and the pool's thread
// up to a million times a second each. std::mutex parks a thread in the
// kernel on contention, which then costs more than the critical section
// (measured: submit 1.5 us per call on 16 cores with std::mutex).
class spin_mutex {
public:
  void lock() noexcept { lock(locked_); }
  bool try_lock() noexcept { return !locked_.exchange(true, std::memory_order_acquire); }
  void unlock() noexcept { unlock(locked_); }

  /// The same lock on a flag kept elsewhere (a public header's class, which
  /// cannot name this type).
  static void lock(std::atomic<bool>& locked) noexcept {
    for (unsigned spins = 0;;) {
      if (!locked.exchange(true, std::memory_order_acquire))
        return;
      while (locked.load(std::memory_order_relaxed))
        spin_pause(spins);
    }
  }
  static void unlock(std::atomic<bool>& locked) noexcept {
    locked.store(false, std::memory_order_release);
  }

  /// Holds a lock on such a flag for a scope.
  class guard {
  public:
    explicit guard(std::atomic<bool>& locked) noexcept : locked_(locked) {
      lock(locked_);
    }
    ~guard() { unlock(locked_); }
    guard(guard const&) = delete;
    guard& operator=(guard const&) = delete;

  private:
    std::atomic<bool>& locked_;
  };

private:
  std::atomic<bool> locked_{false};
};

/// Polls `ready()` for up to `budget` (and not past `deadline`); true as
/// soon as it holds. Pauses for the first polls, then yields between them.
template <class Ready>
bool poll_for(Ready&& ready, std::chrono::nanoseconds budget,
              deadline_type const& deadline = std::nullopt) noexcept {
  static bool const worthwhile = usable_cpus() > 1;
  if (!worthwhile)
    return ready();
  auto until = clock::now() + budget;
  if (deadline && *deadline < until)
    until = *deadline;
  for (unsigned i = 0;; ++i) {
    if (ready())
      return true;
    if (i < 64) {
      cpu_relax();
      continue;
    }
    ::sched_yield();
    if ((i & 7) == 0 && clock::now() >= until)
      return ready();
  }
}

} // namespace concurrent::futures::detail

#endif
