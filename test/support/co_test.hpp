//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_TEST_CO_TEST_HPP
#define CONCURRENT_FUTURES_TEST_CO_TEST_HPP

// Helpers for the tests of the Asio bridge: running a coroutine to its end,
// an allocator that counts, a thread's name.

#include "test_support.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <memory>
#include <string>

#include <pthread.h>

namespace test {

namespace asio = boost::asio;

/// Runs `a` on `ioc` in this thread until nothing is left to run; fails if
/// the coroutine did not finish, rethrows what escaped it. Boost.Test's
/// macros may be used inside: the coroutine runs on the test's thread.
template <class Awaitable>
void co_run(asio::io_context& ioc, Awaitable a) {
  std::exception_ptr error;
  bool finished = false;
  asio::co_spawn(ioc, std::move(a), [&](std::exception_ptr e) {
    error = e;
    finished = true;
  });
  ioc.run();
  ioc.restart();
  BOOST_TEST_REQUIRE(finished);
  if (error)
    std::rethrow_exception(error);
}

template <class Awaitable>
void co_run(Awaitable a) {
  asio::io_context ioc;
  co_run(ioc, std::move(a));
}

struct allocation_counts {
  std::atomic<int> allocated{0};
  std::atomic<int> freed{0};
};

/// A coroutine co_spawned with a cancellation slot the test emits on, and
/// how it ended.
struct cancellable {
  asio::cancellation_signal signal;
  std::exception_ptr error;
  bool finished = false;

  /// Spawns `make()` (a function returning the awaitable) on `ioc`.
  template <class F>
  void spawn(asio::io_context& ioc, F make) {
    asio::co_spawn(
        ioc, std::move(make),
        asio::bind_cancellation_slot(signal.slot(), [this](std::exception_ptr e) {
          error = e;
          finished = true;
        }));
  }
};

/// Counts what it allocates and frees; copies share the counts.
template <class T>
struct counting_allocator {
  using value_type = T;
  std::shared_ptr<allocation_counts> c = std::make_shared<allocation_counts>();

  counting_allocator() = default;
  template <class U>
  counting_allocator(counting_allocator<U> const& other) noexcept : c(other.c) {}

  T* allocate(std::size_t n) {
    c->allocated.fetch_add(1);
    return std::allocator<T>().allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    c->freed.fetch_add(1);
    std::allocator<T>().deallocate(p, n);
  }
  template <class U>
  friend bool operator==(counting_allocator const& a,
                         counting_allocator<U> const& b) noexcept {
    return a.c == b.c;
  }
};

/// This thread's name, as pthread_setname_np set it.
inline std::string thread_name() {
  char name[32] = {};
  pthread_getname_np(pthread_self(), name, sizeof name);
  return name;
}

} // namespace test

#endif
