//
// Copyright (c) 2026 The concurrent-futures authors.
//
// Distributed under the Boost Software License, Version 1.0.
//

#ifndef CONCURRENT_FUTURES_DETAIL_TASK_MEMORY_HPP
#define CONCURRENT_FUTURES_DETAIL_TASK_MEMORY_HPP

#include <concurrent/futures/config.hpp>

#include <cstddef>

namespace concurrent::futures::detail {

/// Memory for a submitted call and its future's state (one block per submit).
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

} // namespace concurrent::futures::detail

#endif
