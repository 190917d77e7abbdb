//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_TASK_MEMORY_HPP
#define CONCURRENT_FUTURES_DETAIL_TASK_MEMORY_HPP

#include <concurrent/futures/config.hpp>

#include <cstddef>
#include <new>

namespace concurrent::futures::detail {

/// Memory for a submitted call and its future's state (one block per submit),
/// and for the Asio operations of ours whose handler brings no allocator.
/**
 * Blocks of up to `task_memory_max` bytes come from 64 KiB slabs that each
 * thread carves for itself, in 64-byte size classes, so that a submit costs
 * a few instructions where malloc and free cost 310 of the 778 a no-op task
 * took (callgrind, 100k tasks submitted, then read). Any thread may free a
 * block: the owner's frees go straight back to the slab, other threads'
 * onto the slab's lock-free list, which the owner takes back when it runs
 * out. A slab goes back to the system once its owner sees all of its blocks
 * back (at once for its own frees, at a later refill for others'; the slab
 * it carves from is kept), and a thread that exits hands its slabs to
 * whoever frees their last blocks, so nothing outlives the thread and the
 * tasks that used it. Larger blocks, and every block in an
 * AddressSanitizer build (which must see each one), come from
 * `operator new`.
 *
 * Thread safety: any thread, at any time, including during thread exit.
 */
inline constexpr std::size_t task_memory_max = 512;

/// Returns `size` bytes aligned to at least `alignof(std::max_align_t)`;
/// throws std::bad_alloc.
CONCURRENT_FUTURES_DECL void* allocate_task_memory(std::size_t size);

/// Frees a block from `allocate_task_memory(size)`, with the same `size`.
CONCURRENT_FUTURES_DECL void free_task_memory(void* block, std::size_t size) noexcept;

/// Slabs held now by every thread (a test's view of what is returned).
CONCURRENT_FUTURES_DECL std::size_t task_memory_slabs() noexcept;

/// The task memory as a standard allocator: what an Asio operation of ours
/// allocates with when its handler has no allocator of its own. Asio's
/// recycling allocator keeps two blocks per thread, so with many waits in
/// flight every op and every completion posted from a pool thread went to
/// malloc, and was freed by the io thread from another thread's arena (a
/// third of the io thread's instructions per `co_await`, callgrind).
template <class T>
class task_memory_allocator {
public:
  using value_type = T;

  task_memory_allocator() noexcept = default;
  template <class U>
  task_memory_allocator(task_memory_allocator<U> const&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > std::size_t(-1) / sizeof(T))
      throw std::bad_array_new_length();
    if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
      return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(alignof(T))));
    else
      return static_cast<T*>(allocate_task_memory(n * sizeof(T)));
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if constexpr (alignof(T) > __STDCPP_DEFAULT_NEW_ALIGNMENT__)
      ::operator delete(p, std::align_val_t(alignof(T)));
    else
      free_task_memory(p, n * sizeof(T));
  }

  template <class U>
  bool operator==(task_memory_allocator<U> const&) const noexcept {
    return true;
  }
};

} // namespace concurrent::futures::detail

#endif
